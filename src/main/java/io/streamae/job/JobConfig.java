package io.streamae.job;

import io.streamae.scoring.AnomalyLikelihood;
import io.streamae.scoring.ModelRoutes;
import io.streamae.window.GapPolicy;
import io.streamae.window.Lateness;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The validated scoring-job configuration. {@link #from} checks every value once and stops
 * start-up with a message that names the key and the value.
 */
public record JobConfig(
    String source,
    String sourcePath,
    int generatorSensors,
    int generatorReadings,
    Duration generatorInterval,
    int generatorPoisonEvery,
    String modelPath,
    int batchSize,
    Duration batchMaxWait,
    Integer windowSize,
    int windowSlide,
    Duration maxOutOfOrderness,
    Duration idleTimeout,
    Lateness lateness,
    Duration maxStaleness,
    Duration watermarkAlignment,
    Duration maxGap,
    GapPolicy gapPolicy,
    Duration stateTtl,
    Duration maxFutureSkew,
    String outputPath,
    String deadLetterPath,
    Kafka kafka,
    AnomalyLikelihood.Settings scoring,
    Models models) implements java.io.Serializable {

  public static final Set<String> SOURCES = Set.of("generator", "nab", "file", "kafka");

  /** Larger batches only add latency: the batched kernels reach full speed well below this. */
  public static final int MAX_BATCH_SIZE = 4096;

  public static JobConfig from(Configuration c) {
    String source = c.get(JobOptions.SOURCE).trim().toLowerCase(Locale.ROOT);
    check(SOURCES.contains(source), JobOptions.SOURCE, source, "must be one of " + SOURCES);
    String sourcePath = c.get(JobOptions.SOURCE_PATH);
    check(!source.equals("file") || (sourcePath != null && !sourcePath.isBlank()),
        JobOptions.SOURCE_PATH, sourcePath, "must be set when source.kind is file");
    int sensors = positive(c, JobOptions.GENERATOR_SENSORS);
    int readings = positive(c, JobOptions.GENERATOR_READINGS);
    Duration interval = positiveDuration(c, JobOptions.GENERATOR_INTERVAL);
    int poison = c.get(JobOptions.GENERATOR_POISON_EVERY);
    check(poison >= 0, JobOptions.GENERATOR_POISON_EVERY, poison, "must be >= 0");
    Integer size = c.getOptional(JobOptions.WINDOW_SIZE).orElse(null);
    check(size == null || size >= 1, JobOptions.WINDOW_SIZE, size, "must be >= 1");
    int slide = positive(c, JobOptions.WINDOW_SLIDE);
    if (size != null && slide > size) {
      throw new IllegalArgumentException(
          String.format("%s (%s) must not exceed %s (%s)", JobOptions.WINDOW_SLIDE.key(), slide, JobOptions.WINDOW_SIZE.key(), size));
    }
    Duration ooo = c.get(JobOptions.MAX_OUT_OF_ORDERNESS);
    check(!ooo.isNegative(), JobOptions.MAX_OUT_OF_ORDERNESS, ooo, "must not be negative");
    int batchSize = positive(c, JobOptions.MODEL_BATCH_SIZE);
    check(batchSize <= MAX_BATCH_SIZE, JobOptions.MODEL_BATCH_SIZE, batchSize, "must be <= " + MAX_BATCH_SIZE);
    Duration batchWait = c.get(JobOptions.MODEL_BATCH_MAX_WAIT);
    check(!batchWait.isNegative(), JobOptions.MODEL_BATCH_MAX_WAIT, batchWait, "must not be negative");
    Lateness lateness;
    try {
      lateness = Lateness.parse(c.get(JobOptions.LATENESS));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format("%s (%s) must be sensor or watermark", JobOptions.LATENESS.key(), c.get(JobOptions.LATENESS)));
    }
    Duration alignment = c.getOptional(JobOptions.WATERMARK_ALIGNMENT).orElse(null);
    check(alignment == null || (!alignment.isNegative() && !alignment.isZero()),
        JobOptions.WATERMARK_ALIGNMENT, alignment, "must be positive (or unset for no alignment)");
    GapPolicy policy;
    try {
      policy = GapPolicy.parse(c.get(JobOptions.GAP_POLICY));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format("%s (%s) must be bridge, restart or fill", JobOptions.GAP_POLICY.key(), c.get(JobOptions.GAP_POLICY)));
    }
    return new JobConfig(
        source,
        sourcePath,
        sensors,
        readings,
        interval,
        poison,
        c.get(JobOptions.MODEL_PATH),
        batchSize,
        batchWait,
        size,
        slide,
        ooo,
        positiveDuration(c, JobOptions.IDLE_TIMEOUT),
        lateness,
        positiveDuration(c, JobOptions.MAX_STALENESS),
        alignment,
        positiveDuration(c, JobOptions.MAX_GAP),
        policy,
        positiveDuration(c, JobOptions.STATE_TTL),
        positiveDuration(c, JobOptions.MAX_FUTURE_SKEW),
        c.get(JobOptions.OUTPUT_PATH),
        c.get(JobOptions.DEAD_LETTER_PATH),
        Kafka.from(c, source.equals("kafka")),
        scoring(c),
        Models.from(c));
  }

  /**
   * The validated options of models that change while the job runs.
   *
   * @param routes {@code model.routes}, parsed
   * @param updatesTopic {@code model.updates-topic}, or null for none
   * @param updatesStartingOffsets earliest, latest or committed
   * @param watchInterval {@code model.watch-interval}, or null when {@code model.path} is not
   *     watched
   */
  public record Models(
      ModelRoutes routes, String updatesTopic, String updatesStartingOffsets, Duration watchInterval)
      implements Serializable {
    public static final Set<String> STARTING_OFFSETS = Set.of("earliest", "latest", "committed");

    static Models from(Configuration c) {
      ModelRoutes routes;
      try {
        routes = ModelRoutes.parse(c.get(JobOptions.MODEL_ROUTES));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            String.format("%s (%s): %s", JobOptions.MODEL_ROUTES.key(), c.get(JobOptions.MODEL_ROUTES), e.getMessage()));
      }
      String topic = c.get(JobOptions.MODEL_UPDATES_TOPIC);
      topic = topic == null || topic.isBlank() ? null : topic.trim();
      String starting = c.get(JobOptions.MODEL_UPDATES_STARTING_OFFSETS).trim().toLowerCase(Locale.ROOT);
      check(STARTING_OFFSETS.contains(starting), JobOptions.MODEL_UPDATES_STARTING_OFFSETS, starting,
          "must be one of " + new TreeSet<>(STARTING_OFFSETS));
      Duration watch = c.getOptional(JobOptions.MODEL_WATCH_INTERVAL).orElse(null);
      check(watch == null || (!watch.isNegative() && !watch.isZero()), JobOptions.MODEL_WATCH_INTERVAL,
          watch, "must be positive (or unset to not watch model.path)");
      return new Models(routes, topic, starting, watch);
    }

    /** Whether the models can change while the job runs. */
    public boolean updatable() {
      return updatesTopic != null || watchInterval != null;
    }
  }

  /** The same configuration with another model path. */
  public JobConfig withModelPath(String path) {
    return new JobConfig(source, sourcePath, generatorSensors, generatorReadings, generatorInterval,
        generatorPoisonEvery, path, batchSize, batchMaxWait, windowSize, windowSlide, maxOutOfOrderness, idleTimeout, lateness,
        maxStaleness, watermarkAlignment, maxGap,
        gapPolicy, stateTtl, maxFutureSkew, outputPath, deadLetterPath, kafka, scoring, models);
  }

  /**
   * The validated {@code kafka.*} options (see {@link JobOptions} for each). Always present: the
   * bootstrap servers are required when {@code source.kind} is kafka, the transactional-id prefix
   * whenever delivery is exactly-once, and the Kafka builders check again what they need.
   *
   * @param properties the {@code kafka.properties.*} entries without the prefix, for every client
   */
  public record Kafka(
      String bootstrapServers,
      String inputTopic,
      String outputTopic,
      String deadLetterTopic,
      String groupId,
      String startingOffsets,
      String stoppingOffsets,
      String eventTime,
      String deliveryGuarantee,
      String transactionalIdPrefix,
      Duration transactionTimeout,
      Duration checkTimeout,
      Map<String, String> properties)
      implements Serializable {

    public static final Set<String> STARTING_OFFSETS = Set.of("earliest", "latest", "committed");
    public static final Set<String> STOPPING_OFFSETS = Set.of("none", "latest");
    public static final Set<String> EVENT_TIMES = Set.of("payload", "record");
    public static final String AT_LEAST_ONCE = "at-least-once";
    public static final String EXACTLY_ONCE = "exactly-once";
    public static final Set<String> DELIVERY_GUARANTEES = Set.of(AT_LEAST_ONCE, EXACTLY_ONCE);

    /** Kafka brokers refuse longer transactions unless transaction.max.timeout.ms is raised. */
    public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** Property keys whose values are never logged or shown (matched case-insensitively). */
    public static final Set<String> SECRET_MARKERS =
        Set.of("password", "secret", "jaas", "token", "key");

    public static final String MASK = "******";

    /**
     * @param required whether the job reads Kafka, so the keys without default must be set
     */
    public static Kafka from(Configuration c, boolean required) {
      String servers = trimmed(c.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS));
      check(!required || servers != null, JobOptions.KAFKA_BOOTSTRAP_SERVERS,
          c.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS), "must be set when source.kind is kafka");
      String input = nonBlank(c, JobOptions.KAFKA_INPUT_TOPIC);
      String output = nonBlank(c, JobOptions.KAFKA_OUTPUT_TOPIC);
      String deadLetters = nonBlank(c, JobOptions.KAFKA_DEAD_LETTER_TOPIC);
      check(!output.equals(input), JobOptions.KAFKA_OUTPUT_TOPIC, output,
          "must differ from " + JobOptions.KAFKA_INPUT_TOPIC.key());
      check(!deadLetters.equals(input), JobOptions.KAFKA_DEAD_LETTER_TOPIC, deadLetters,
          "must differ from " + JobOptions.KAFKA_INPUT_TOPIC.key());
      check(!deadLetters.equals(output), JobOptions.KAFKA_DEAD_LETTER_TOPIC, deadLetters,
          "must differ from " + JobOptions.KAFKA_OUTPUT_TOPIC.key());
      String starting = oneOf(c, JobOptions.KAFKA_STARTING_OFFSETS, STARTING_OFFSETS);
      String stopping = oneOf(c, JobOptions.KAFKA_STOPPING_OFFSETS, STOPPING_OFFSETS);
      String eventTime = oneOf(c, JobOptions.KAFKA_EVENT_TIME, EVENT_TIMES);
      String guarantee = oneOf(c, JobOptions.KAFKA_DELIVERY_GUARANTEE, DELIVERY_GUARANTEES);
      String prefix = trimmed(c.get(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX));
      check(!guarantee.equals(EXACTLY_ONCE) || prefix != null,
          JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, prefix,
          "must be set when kafka.delivery-guarantee is exactly-once");
      Duration timeout = c.get(JobOptions.KAFKA_TRANSACTION_TIMEOUT);
      check(!timeout.isNegative() && !timeout.isZero(), JobOptions.KAFKA_TRANSACTION_TIMEOUT,
          timeout, "must be positive");
      check(timeout.compareTo(MAX_TRANSACTION_TIMEOUT) <= 0, JobOptions.KAFKA_TRANSACTION_TIMEOUT,
          timeout, String.format("must not exceed %s, the brokers' default"
              + " transaction.max.timeout.ms", MAX_TRANSACTION_TIMEOUT));
      Duration interval = c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
      if (guarantee.equals(EXACTLY_ONCE) && interval != null && timeout.compareTo(interval) <= 0) {
        throw new IllegalArgumentException(String.format(
            "%s (%s) must exceed %s (%s), or transactions expire before their checkpoint commits",
            JobOptions.KAFKA_TRANSACTION_TIMEOUT.key(), timeout,
            CheckpointingOptions.CHECKPOINTING_INTERVAL.key(), interval));
      }
      Map<String, String> properties = new TreeMap<>();
      for (Map.Entry<String, String> e : c.toMap().entrySet()) {
        if (e.getKey().startsWith(JobOptions.KAFKA_PROPERTIES_PREFIX)) {
          String key = e.getKey().substring(JobOptions.KAFKA_PROPERTIES_PREFIX.length());
          if (key.isEmpty()) {
            throw new IllegalArgumentException(String.format(
                "%s needs a Kafka client property name after the prefix",
                JobOptions.KAFKA_PROPERTIES_PREFIX));
          }
          properties.put(key, e.getValue());
        }
      }
      return new Kafka(servers, input, output, deadLetters,
          nonBlank(c, JobOptions.KAFKA_GROUP_ID), starting, stopping, eventTime, guarantee,
          prefix, timeout, positiveDuration(c, JobOptions.KAFKA_CHECK_TIMEOUT),
          Map.copyOf(properties));
    }

    /** Event time is the Kafka record timestamp rather than the payload's {@code ts}. */
    public boolean recordTime() {
      return "record".equals(eventTime);
    }

    public boolean exactlyOnce() {
      return EXACTLY_ONCE.equals(deliveryGuarantee);
    }

    /** Whether the value of a client property must never be logged or shown. */
    public static boolean isSecret(String key) {
      String lower = key.toLowerCase(Locale.ROOT);
      return SECRET_MARKERS.stream().anyMatch(lower::contains);
    }

    /** A sorted copy with the values of secret keys (see {@link #isSecret}) masked. */
    public static Map<String, String> redacted(Map<?, ?> properties) {
      Map<String, String> copy = new TreeMap<>();
      properties.forEach((k, v) ->
          copy.put(String.valueOf(k), isSecret(String.valueOf(k)) ? MASK : String.valueOf(v)));
      return copy;
    }

    /** Masks secret client properties: this record may end up in a log line. */
    @Override
    public String toString() {
      Map<String, Object> shown = new LinkedHashMap<>();
      shown.put("bootstrapServers", bootstrapServers);
      shown.put("inputTopic", inputTopic);
      shown.put("outputTopic", outputTopic);
      shown.put("deadLetterTopic", deadLetterTopic);
      shown.put("groupId", groupId);
      shown.put("startingOffsets", startingOffsets);
      shown.put("stoppingOffsets", stoppingOffsets);
      shown.put("eventTime", eventTime);
      shown.put("deliveryGuarantee", deliveryGuarantee);
      shown.put("transactionalIdPrefix", transactionalIdPrefix);
      shown.put("transactionTimeout", transactionTimeout);
      shown.put("checkTimeout", checkTimeout);
      shown.put("properties", redacted(properties));
      return "Kafka" + shown;
    }

    private static String trimmed(String value) {
      return value == null || value.isBlank() ? null : value.trim();
    }

    private static String nonBlank(Configuration c, ConfigOption<String> option) {
      String value = trimmed(c.get(option));
      check(value != null, option, c.get(option), "must not be blank");
      return value;
    }

    private static String oneOf(Configuration c, ConfigOption<String> option, Set<String> allowed) {
      String value = c.get(option).trim().toLowerCase(Locale.ROOT);
      check(allowed.contains(value), option, value, "must be one of " + new TreeSet<>(allowed));
      return value;
    }
  }

  /** The validated {@code scoring.*} options as calibration settings. */
  static AnomalyLikelihood.Settings scoring(Configuration c) {
    int warmup = c.get(JobOptions.SCORING_WARMUP_WINDOWS);
    check(warmup >= 0, JobOptions.SCORING_WARMUP_WINDOWS, warmup, "must be >= 0");
    int history = c.get(JobOptions.SCORING_HISTORY_WINDOWS);
    check(history >= 2, JobOptions.SCORING_HISTORY_WINDOWS, history, "must be >= 2");
    int average = positive(c, JobOptions.SCORING_AVERAGE_WINDOWS);
    double alarm = c.get(JobOptions.SCORING_ALARM_LIKELIHOOD);
    check(alarm > 0 && alarm < 1, JobOptions.SCORING_ALARM_LIKELIHOOD, alarm,
        "must be between 0 and 1 (exclusive)");
    double release = c.get(JobOptions.SCORING_RELEASE_LIKELIHOOD);
    check(release > 0 && release <= alarm, JobOptions.SCORING_RELEASE_LIKELIHOOD, release,
        "must be above 0 and not above " + JobOptions.SCORING_ALARM_LIKELIHOOD.key());
    Duration relearn = c.get(JobOptions.SCORING_RELEARN_AFTER);
    check(!relearn.isNegative() && !relearn.isZero(), JobOptions.SCORING_RELEARN_AFTER, relearn, "must be positive");
    Duration suppression = c.get(JobOptions.SCORING_ALARM_SUPPRESSION);
    check(!suppression.isNegative(), JobOptions.SCORING_ALARM_SUPPRESSION, suppression,
        "must not be negative");
    String combine = c.get(JobOptions.SCORING_COMBINE);
    AnomalyLikelihood.Combine how;
    try {
      how = AnomalyLikelihood.Combine.parse(combine);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(String.format(
          "%s (%s) must be max or product", JobOptions.SCORING_COMBINE.key(), combine));
    }
    return AnomalyLikelihood.Settings.builder()
        .warmupWindows(warmup)
        .historyWindows(history)
        .averageWindows(average)
        .alarmLikelihood(alarm)
        .releaseLikelihood(release)
        .relearnAfter(relearn)
        .alarmSuppression(suppression)
        .combine(how)
        .rangeCheck(c.get(JobOptions.SCORING_RANGE_CHECK))
        .rangeMargin(nonNegative(c, JobOptions.SCORING_RANGE_MARGIN))
        .build();
  }

  private static double nonNegative(Configuration c, ConfigOption<Double> option) {
    double v = c.get(option);
    check(v >= 0, option, v, "must be >= 0");
    return v;
  }

  private static int positive(Configuration c, ConfigOption<Integer> option) {
    int v = c.get(option);
    check(v >= 1, option, v, "must be >= 1");
    return v;
  }

  private static Duration positiveDuration(Configuration c, ConfigOption<Duration> option) {
    Duration v = c.get(option);
    check(!v.isNegative() && !v.isZero(), option, v, "must be positive");
    return v;
  }

  private static void check(boolean ok, ConfigOption<?> option, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(String.format("%s (%s) %s", option.key(), value, rule));
    }
  }
}
