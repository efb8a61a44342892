package io.streamae.job;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Every option of the scoring job: key, type, default and one sentence. Keys appear nowhere else. */
public final class JobOptions {
  private JobOptions() {}

  public static final ConfigOption<String> SOURCE =
      ConfigOptions.key("source.kind").stringType().defaultValue("generator")
          .withDescription("Where readings come from: generator (synthetic sensors with injected faults), nab (the bundled NAB machine-temperature series), file (a CSV or JSON-lines history file) or kafka.");

  public static final ConfigOption<String> SOURCE_PATH =
      ConfigOptions.key("source.path").stringType().noDefaultValue()
          .withDescription("File read by the file source (CSV with a timestamp column, or JSON lines of readings).");

  public static final ConfigOption<Integer> GENERATOR_SENSORS =
      ConfigOptions.key("generator.sensors").intType().defaultValue(4)
          .withDescription("Number of synthetic sensors; every sensor after the first gets a known fault.");

  public static final ConfigOption<Integer> GENERATOR_READINGS =
      ConfigOptions.key("generator.readings-per-sensor").intType().defaultValue(3000)
          .withDescription("Readings generated per synthetic sensor, one per generator.interval.");

  public static final ConfigOption<Duration> GENERATOR_INTERVAL =
      ConfigOptions.key("generator.interval").durationType().defaultValue(Duration.ofMinutes(1))
          .withDescription("Event-time spacing of synthetic readings.");

  public static final ConfigOption<Integer> GENERATOR_POISON_EVERY =
      ConfigOptions.key("generator.poison-every").intType().defaultValue(997)
          .withDescription("Every n-th generated payload is malformed, to exercise the dead-letter path; 0 = never.");

  public static final ConfigOption<String> MODEL_PATH =
      ConfigOptions.key("model.path").stringType().noDefaultValue()
          .withDescription("Model bundle: a path or URI Flink's file systems can open. The run command trains one on the source's normal prefix when unset.");

  public static final ConfigOption<Integer> WINDOW_SIZE =
      ConfigOptions.key("window.size").intType().noDefaultValue()
          .withDescription("Readings per window; must equal the model's timesteps (taken from the model when unset).");

  public static final ConfigOption<Integer> WINDOW_SLIDE =
      ConfigOptions.key("window.slide").intType().defaultValue(1)
          .withDescription("A new window every this many readings of a sensor.");

  public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
      ConfigOptions.key("window.max-out-of-orderness").durationType().defaultValue(Duration.ofSeconds(30))
          .withDescription("How far readings may arrive out of event-time order; later ones go to dead letters as LATE_READING.");

  public static final ConfigOption<Duration> IDLE_TIMEOUT =
      ConfigOptions.key("window.idle-timeout").durationType().defaultValue(Duration.ofMinutes(1))
          .withDescription("An input without readings for this long stops holding back the watermark.");

  public static final ConfigOption<Duration> MAX_GAP =
      ConfigOptions.key("window.max-gap").durationType().defaultValue(Duration.ofMinutes(10))
          .withDescription("A longer pause between two readings of a sensor is a gap, handled by window.gap-policy.");

  public static final ConfigOption<String> GAP_POLICY =
      ConfigOptions.key("window.gap-policy").stringType().defaultValue("restart")
          .withDescription("restart: start the sensor's windows afresh after a gap; fill: carry the last values forward at the sampling interval.");

  public static final ConfigOption<Duration> STATE_TTL =
      ConfigOptions.key("window.state-ttl").durationType().defaultValue(Duration.ofHours(1))
          .withDescription("Per-sensor state expires after this long without readings (processing time).");

  public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
      ConfigOptions.key("ingest.max-future-skew").durationType().defaultValue(Duration.ofMinutes(5))
          .withDescription("Readings stamped further than this in the future are rejected (they would drag the watermark).");

  public static final ConfigOption<String> OUTPUT_PATH =
      ConfigOptions.key("output.path").stringType().defaultValue("target/streamae-run/results.jsonl")
          .withDescription("Local runs: results as JSON lines.");

  public static final ConfigOption<String> DEAD_LETTER_PATH =
      ConfigOptions.key("output.dead-letter-path").stringType().defaultValue("target/streamae-run/dead-letters.jsonl")
          .withDescription("Local runs: dead letters as JSON lines (raw payload in base64).");
}
