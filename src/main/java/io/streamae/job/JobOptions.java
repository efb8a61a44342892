package io.streamae.job;

import io.streamae.kafka.KafkaOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the scoring job: key, type, default and one sentence. Keys appear nowhere else.
 */
public final class JobOptions {
  private JobOptions() {}

  public static final ConfigOption<String> SOURCE =
      ConfigOptions.key("source.kind")
          .stringType()
          .defaultValue("generator")
          .withDescription(
              "Where readings come from: generator (synthetic sensors with injected faults), nab (the bundled NAB machine-temperature series), file (a CSV or JSON-lines history file) or kafka.");

  public static final ConfigOption<String> SOURCE_PATH =
      ConfigOptions.key("source.path")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "For source.kind file: a history file, CSV or JSON lines, rows in any order, replayed in event-time order; for nab: a NAB-format CSV (timestamp,value) instead of the bundled series.");

  public static final ConfigOption<Integer> GENERATOR_SENSORS =
      ConfigOptions.key("generator.sensors")
          .intType()
          .defaultValue(4)
          .withDescription(
              "Number of synthetic sensors; every sensor after the first gets a known fault.");

  public static final ConfigOption<Integer> GENERATOR_READINGS =
      ConfigOptions.key("generator.readings-per-sensor")
          .intType()
          .defaultValue(3000)
          .withDescription("Readings generated per synthetic sensor, one per generator.interval.");

  public static final ConfigOption<Duration> GENERATOR_INTERVAL =
      ConfigOptions.key("generator.interval")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription("Event-time spacing of synthetic readings.");

  public static final ConfigOption<Integer> GENERATOR_POISON_EVERY =
      ConfigOptions.key("generator.poison-every")
          .intType()
          .defaultValue(997)
          .withDescription(
              "Every n-th generated payload is malformed, to exercise the dead-letter path; 0 = never.");

  public static final ConfigOption<String> MODEL_PATH =
      ConfigOptions.key("model.path")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Model bundle: a path or URI Flink's file systems can open. The run command trains one on the source's normal prefix when unset.");

  public static final ConfigOption<Integer> MODEL_BATCH_SIZE =
      ConfigOptions.key("model.batch-size")
          .intType()
          .defaultValue(256)
          .withDescription(
              "Most windows, of any sensors, scored together in one forward pass; 1 scores each window as it arrives.");

  public static final ConfigOption<Duration> MODEL_BATCH_MAX_WAIT =
      ConfigOptions.key("model.batch-max-wait")
          .durationType()
          .defaultValue(Duration.ofMillis(5))
          .withDescription(
              "Longest a window waits for its batch to fill before it is scored; 0 scores at once.");

  public static final ConfigOption<String> MODEL_ROUTES =
      ConfigOptions.key("model.routes")
          .stringType()
          .defaultValue("")
          .withDescription(
              "Which model id scores which sensor: comma-separated pattern=modelId, first match wins, a pattern is a sensor id or a prefix ending in * (pump-*=pumps, *=default); a sensor without a loaded model scores with the model at model.path.");

  public static final ConfigOption<String> MODEL_UPDATES_TOPIC =
      ConfigOptions.key("model.updates-topic")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Kafka topic of model updates (JSON naming a bundle's modelId, modelVersion, uri and sha256, as publish-model sends them): the running job verifies each bundle and scores with it from then on; unset = no updates.");

  public static final ConfigOption<String> MODEL_UPDATES_STARTING_OFFSETS =
      ConfigOptions.key("model.updates-starting-offsets")
          .stringType()
          .defaultValue("committed")
          .withDescription(
              "Where a job without a checkpoint starts reading model.updates-topic: committed (the group's committed offsets, else the end), latest or earliest (apply every update ever published).");

  public static final ConfigOption<Duration> MODEL_WATCH_INTERVAL =
      ConfigOptions.key("model.watch-interval")
          .durationType()
          .noDefaultValue()
          .withDescription(
              "When set, model.path is checked this often and a changed bundle there is verified and used like a published update, without a restart; unset = never.");

  public static final ConfigOption<Integer> WINDOW_SIZE =
      ConfigOptions.key("window.size")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Readings per window; must equal the model's timesteps (taken from the model when unset).");

  public static final ConfigOption<Integer> WINDOW_SLIDE =
      ConfigOptions.key("window.slide")
          .intType()
          .defaultValue(1)
          .withDescription("A new window every this many readings of a sensor.");

  public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
      ConfigOptions.key("window.max-out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "How far behind the newest reading of its input partition a reading may arrive and still be sorted into event-time order; the watermark trails the newest reading by this much.");

  public static final ConfigOption<Duration> IDLE_TIMEOUT =
      ConfigOptions.key("window.idle-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "An input partition without readings for this long stops holding back the watermark.");

  public static final ConfigOption<String> LATENESS =
      ConfigOptions.key("window.lateness")
          .stringType()
          .defaultValue("sensor")
          .withDescription(
              "When a reading is a LATE_READING dead letter: sensor (only when older than the newest reading its sensor already released into windows; one behind the watermark but newer joins at once) or watermark (also when at or behind the watermark).");

  public static final ConfigOption<Duration> MAX_STALENESS =
      ConfigOptions.key("window.max-staleness")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "Longest a reading waits for the watermark (processing time): then it and its sensor's older waiting readings join the windows anyway, and their results say releasedByTimeout; later readings older than them are late.");

  public static final ConfigOption<Duration> WATERMARK_ALIGNMENT =
      ConfigOptions.key("window.watermark-alignment")
          .durationType()
          .noDefaultValue()
          .withDescription(
              "Kafka source: pause input partitions whose watermark runs further than this ahead of the slowest one, so a fast partition cannot race ahead of a slow one (Flink watermark alignment); unset = off.");

  public static final ConfigOption<Duration> MAX_GAP =
      ConfigOptions.key("window.max-gap")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "A longer pause between two readings of a sensor is a gap, handled by window.gap-policy.");

  public static final ConfigOption<String> GAP_POLICY =
      ConfigOptions.key("window.gap-policy")
          .stringType()
          .defaultValue("bridge")
          .withDescription(
              "bridge: windows span the gap as a sequence of readings (counted in gapsBridged), so irregularly sampled sensors are scored on every reading; restart: start the sensor's windows afresh after a gap; fill: carry the last values forward at the sampling interval.");

  public static final ConfigOption<Duration> STATE_TTL =
      ConfigOptions.key("window.state-ttl")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "Per-sensor state expires after this long without readings (processing time).");

  public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
      ConfigOptions.key("ingest.max-future-skew")
          .durationType()
          .defaultValue(Duration.ofMinutes(5))
          .withDescription(
              "Readings stamped further than this in the future are rejected (they would drag the watermark).");

  public static final ConfigOption<String> OUTPUT_PATH =
      ConfigOptions.key("output.path")
          .stringType()
          .defaultValue("target/streamae-run/results.jsonl")
          .withDescription("Local runs: results as JSON lines.");

  public static final ConfigOption<String> DEAD_LETTER_PATH =
      ConfigOptions.key("output.dead-letter-path")
          .stringType()
          .defaultValue("target/streamae-run/dead-letters.jsonl")
          .withDescription("Local runs: dead letters as JSON lines (raw payload in base64).");

  // Scoring: calibration of raw window errors into anomaly likelihoods (CalibrateScoresFunction).

  public static final ConfigOption<Integer> SCORING_WARMUP_WINDOWS =
      ConfigOptions.key("scoring.warmup-windows")
          .intType()
          .defaultValue(100)
          .withDescription(
              "Windows per sensor whose errors only teach the error distribution: their records"
                  + " say warmingUp, score 0 and raise no alarm.");

  public static final ConfigOption<Integer> SCORING_HISTORY_WINDOWS =
      ConfigOptions.key("scoring.history-windows")
          .intType()
          .defaultValue(8640)
          .withDescription(
              "Time constant, in windows, of each sensor's reference: the decaying histogram of"
                  + " its normal errors that recent errors are judged against (8640: a month of"
                  + " 5-minute windows).");

  public static final ConfigOption<Integer> SCORING_AVERAGE_WINDOWS =
      ConfigOptions.key("scoring.average-windows")
          .intType()
          .defaultValue(3)
          .withDescription(
              "Windows in the short moving average of recent log errors that is judged: more"
                  + " smooths single noisy windows, fewer reacts faster.");

  public static final ConfigOption<Double> SCORING_ALARM_LIKELIHOOD =
      ConfigOptions.key("scoring.alarm-likelihood")
          .doubleType()
          .defaultValue(0.999)
          .withDescription(
              "A window raises an alarm when the likelihood of its errors reaches this value,"
                  + " i.e. when at most 1 - value of the sensor's normal windows were as unusual"
                  + " (0.999: about one alarm per 1,000 normal windows, before the hysteresis"
                  + " joins neighbours into one episode).");

  public static final ConfigOption<Double> SCORING_RELEASE_LIKELIHOOD =
      ConfigOptions.key("scoring.release-likelihood")
          .doubleType()
          .defaultValue(0.99)
          .withDescription(
              "An alarm holds while the likelihood stays at or above this value (hysteresis);"
                  + " must not exceed scoring.alarm-likelihood.");

  public static final ConfigOption<Duration> SCORING_RELEARN_AFTER =
      ConfigOptions.key("scoring.relearn-after")
          .durationType()
          .defaultValue(Duration.ofHours(2))
          .withDescription(
              "While a sensor is in alarm its reference is frozen, so an ongoing fault keeps"
                  + " its alarm; after an alarm has lasted this long (event time) the sensor"
                  + " learns again and a lasting new level stops alarming soon after.");

  public static final ConfigOption<Duration> SCORING_ALARM_SUPPRESSION =
      ConfigOptions.key("scoring.alarm-suppression")
          .durationType()
          .defaultValue(Duration.ZERO)
          .withDescription(
              "No new alarm episode for the same sensor within this event time after the"
                  + " previous one started (scores are unchanged); 0 = off.");

  public static final ConfigOption<Boolean> SCORING_RANGE_CHECK =
      ConfigOptions.key("scoring.range-check")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "A reading beyond every value its sensor has shown (by scoring.range-margin of the"
                  + " range so far) counts as a tail of 1e-10 (score 0.67) whatever the model's"
                  + " errors; only a new extreme counts.");

  public static final ConfigOption<Double> SCORING_RANGE_MARGIN =
      ConfigOptions.key("scoring.range-margin")
          .doubleType()
          .defaultValue(0.02)
          .withDescription(
              "For scoring.range-check: how far beyond the sensor's range a reading must lie, as"
                  + " a share of that range.");

  public static final ConfigOption<Integer> SCORING_SEASONAL_MAX_PERIOD =
      ConfigOptions.key("scoring.seasonal-max-period")
          .intType()
          .defaultValue(1440)
          .withDescription(
              "Longest rhythm (load cycle, day) each sensor looks for in its own readings, in"
                  + " windows; a sensor with one is also judged against its readings one to three"
                  + " periods earlier. Costs up to 3 x period x features x 4 bytes of state per"
                  + " sensor. 0 turns this off.");

  public static final ConfigOption<Integer> SCORING_RESTORE_WINDOWS =
      ConfigOptions.key("scoring.restore-windows")
          .intType()
          .defaultValue(60)
          .withDescription(
              "After an alarm was relearned (scoring.relearn-after), the windows in a row that must"
                  + " be normal by the sensor's reference of before the alarm for it to return to"
                  + " that reference: the fault is over and its errors leave the reference, so"
                  + " they do not mute the next fault. After 4 x scoring.relearn-after without"
                  + " that, the new level stays. 0 = never return.");

  public static final ConfigOption<String> SCORING_COMBINE =
      ConfigOptions.key("scoring.combine")
          .stringType()
          .defaultValue("max")
          .withDescription(
              "How the reconstruction and prediction tails combine: max (the more surprising"
                  + " decides, Bonferroni-corrected) or product (Fisher's combination of both).");

  // Kafka: the cluster job (ScoringJobMain) reads readings from and writes results to Kafka;
  // the options are defined with the Kafka code (KafkaOptions) and listed here.

  public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
      KafkaOptions.KAFKA_BOOTSTRAP_SERVERS;

  public static final ConfigOption<String> KAFKA_INPUT_TOPIC = KafkaOptions.KAFKA_INPUT_TOPIC;

  public static final ConfigOption<String> KAFKA_OUTPUT_TOPIC = KafkaOptions.KAFKA_OUTPUT_TOPIC;

  public static final ConfigOption<String> KAFKA_DEAD_LETTER_TOPIC =
      KafkaOptions.KAFKA_DEAD_LETTER_TOPIC;

  public static final ConfigOption<String> KAFKA_GROUP_ID = KafkaOptions.KAFKA_GROUP_ID;

  public static final ConfigOption<String> KAFKA_STARTING_OFFSETS =
      KafkaOptions.KAFKA_STARTING_OFFSETS;

  public static final ConfigOption<String> KAFKA_STOPPING_OFFSETS =
      KafkaOptions.KAFKA_STOPPING_OFFSETS;

  public static final ConfigOption<String> KAFKA_EVENT_TIME = KafkaOptions.KAFKA_EVENT_TIME;

  public static final ConfigOption<String> KAFKA_DELIVERY_GUARANTEE =
      KafkaOptions.KAFKA_DELIVERY_GUARANTEE;

  public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX =
      KafkaOptions.KAFKA_TRANSACTIONAL_ID_PREFIX;

  public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
      KafkaOptions.KAFKA_TRANSACTION_TIMEOUT;

  public static final ConfigOption<Duration> KAFKA_CHECK_TIMEOUT = KafkaOptions.KAFKA_CHECK_TIMEOUT;

  public static final String KAFKA_PROPERTIES_PREFIX = KafkaOptions.KAFKA_PROPERTIES_PREFIX;
}
