package io.streamae.job;

import io.streamae.kafka.KafkaSettings;
import io.streamae.scoring.AnomalyLikelihood;
import io.streamae.scoring.ModelRoutes;
import io.streamae.window.GapPolicy;
import io.streamae.window.Lateness;
import io.streamae.window.WindowSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The validated scoring-job configuration. {@link #from} checks every value once and stops start-up
 * with a message that names the key and the value.
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
    KafkaSettings kafka,
    AnomalyLikelihood.Settings scoring,
    Models models)
    implements java.io.Serializable {

  public static final Set<String> SOURCES = Set.of("generator", "nab", "file", "kafka");

  /** Larger batches only add latency: the batched kernels reach full speed well below this. */
  public static final int MAX_BATCH_SIZE = 4096;

  public static JobConfig from(Configuration c) {
    String source = c.get(JobOptions.SOURCE).trim().toLowerCase(Locale.ROOT);
    check(SOURCES.contains(source), JobOptions.SOURCE, source, "must be one of " + SOURCES);
    String sourcePath = c.get(JobOptions.SOURCE_PATH);
    check(
        !source.equals("file") || (sourcePath != null && !sourcePath.isBlank()),
        JobOptions.SOURCE_PATH,
        sourcePath,
        "must be set when source.kind is file");
    int sensors = positive(c, JobOptions.GENERATOR_SENSORS);
    int readings = positive(c, JobOptions.GENERATOR_READINGS);
    Duration interval = positiveDuration(c, JobOptions.GENERATOR_INTERVAL);
    int poison = c.get(JobOptions.GENERATOR_POISON_EVERY);
    check(poison >= 0, JobOptions.GENERATOR_POISON_EVERY, poison, "must be >= 0");
    Integer size = c.getOptional(JobOptions.WINDOW_SIZE).orElse(null);
    check(size == null || size >= 1, JobOptions.WINDOW_SIZE, size, "must be >= 1");
    int slide = positive(c, JobOptions.WINDOW_SLIDE);
    if (size != null) {
      WindowSpec.requireSlideWithinSize(
          slide, JobOptions.WINDOW_SLIDE.key(), size, JobOptions.WINDOW_SIZE.key());
    }
    Duration ooo = c.get(JobOptions.MAX_OUT_OF_ORDERNESS);
    check(!ooo.isNegative(), JobOptions.MAX_OUT_OF_ORDERNESS, ooo, "must not be negative");
    int batchSize = positive(c, JobOptions.MODEL_BATCH_SIZE);
    check(
        batchSize <= MAX_BATCH_SIZE,
        JobOptions.MODEL_BATCH_SIZE,
        batchSize,
        "must be <= " + MAX_BATCH_SIZE);
    Duration batchWait = c.get(JobOptions.MODEL_BATCH_MAX_WAIT);
    check(
        !batchWait.isNegative(),
        JobOptions.MODEL_BATCH_MAX_WAIT,
        batchWait,
        "must not be negative");
    Lateness lateness;
    try {
      lateness = Lateness.parse(c.get(JobOptions.LATENESS));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format(
              "%s (%s) must be sensor or watermark",
              JobOptions.LATENESS.key(), c.get(JobOptions.LATENESS)));
    }
    Duration alignment = c.getOptional(JobOptions.WATERMARK_ALIGNMENT).orElse(null);
    check(
        alignment == null || (!alignment.isNegative() && !alignment.isZero()),
        JobOptions.WATERMARK_ALIGNMENT,
        alignment,
        "must be positive (or unset for no alignment)");
    GapPolicy policy;
    try {
      policy = GapPolicy.parse(c.get(JobOptions.GAP_POLICY));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format(
              "%s (%s) must be bridge, restart or fill",
              JobOptions.GAP_POLICY.key(), c.get(JobOptions.GAP_POLICY)));
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
        KafkaSettings.from(c, source.equals("kafka")),
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
      ModelRoutes routes,
      String updatesTopic,
      String updatesStartingOffsets,
      Duration watchInterval)
      implements Serializable {
    public static final Set<String> STARTING_OFFSETS = Set.of("earliest", "latest", "committed");

    static Models from(Configuration c) {
      ModelRoutes routes;
      try {
        routes = ModelRoutes.parse(c.get(JobOptions.MODEL_ROUTES));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            String.format(
                "%s (%s): %s",
                JobOptions.MODEL_ROUTES.key(), c.get(JobOptions.MODEL_ROUTES), e.getMessage()));
      }
      String topic = c.get(JobOptions.MODEL_UPDATES_TOPIC);
      topic = topic == null || topic.isBlank() ? null : topic.trim();
      String starting =
          c.get(JobOptions.MODEL_UPDATES_STARTING_OFFSETS).trim().toLowerCase(Locale.ROOT);
      check(
          STARTING_OFFSETS.contains(starting),
          JobOptions.MODEL_UPDATES_STARTING_OFFSETS,
          starting,
          "must be one of " + new TreeSet<>(STARTING_OFFSETS));
      Duration watch = c.getOptional(JobOptions.MODEL_WATCH_INTERVAL).orElse(null);
      check(
          watch == null || (!watch.isNegative() && !watch.isZero()),
          JobOptions.MODEL_WATCH_INTERVAL,
          watch,
          "must be positive (or unset to not watch model.path)");
      return new Models(routes, topic, starting, watch);
    }

    /** Whether the models can change while the job runs. */
    public boolean updatable() {
      return updatesTopic != null || watchInterval != null;
    }
  }

  /** The same configuration with another model path. */
  public JobConfig withModelPath(String path) {
    return new JobConfig(
        source,
        sourcePath,
        generatorSensors,
        generatorReadings,
        generatorInterval,
        generatorPoisonEvery,
        path,
        batchSize,
        batchMaxWait,
        windowSize,
        windowSlide,
        maxOutOfOrderness,
        idleTimeout,
        lateness,
        maxStaleness,
        watermarkAlignment,
        maxGap,
        gapPolicy,
        stateTtl,
        maxFutureSkew,
        outputPath,
        deadLetterPath,
        kafka,
        scoring,
        models);
  }

  /** The validated {@code scoring.*} options as calibration settings. */
  static AnomalyLikelihood.Settings scoring(Configuration c) {
    int warmup = c.get(JobOptions.SCORING_WARMUP_WINDOWS);
    check(warmup >= 0, JobOptions.SCORING_WARMUP_WINDOWS, warmup, "must be >= 0");
    int history = c.get(JobOptions.SCORING_HISTORY_WINDOWS);
    check(history >= 2, JobOptions.SCORING_HISTORY_WINDOWS, history, "must be >= 2");
    int average = positive(c, JobOptions.SCORING_AVERAGE_WINDOWS);
    double alarm = c.get(JobOptions.SCORING_ALARM_LIKELIHOOD);
    check(
        alarm > 0 && alarm < 1,
        JobOptions.SCORING_ALARM_LIKELIHOOD,
        alarm,
        "must be between 0 and 1 (exclusive)");
    double release = c.get(JobOptions.SCORING_RELEASE_LIKELIHOOD);
    check(
        release > 0 && release <= alarm,
        JobOptions.SCORING_RELEASE_LIKELIHOOD,
        release,
        "must be above 0 and not above " + JobOptions.SCORING_ALARM_LIKELIHOOD.key());
    Duration relearn = c.get(JobOptions.SCORING_RELEARN_AFTER);
    check(
        !relearn.isNegative() && !relearn.isZero(),
        JobOptions.SCORING_RELEARN_AFTER,
        relearn,
        "must be positive");
    Duration suppression = c.get(JobOptions.SCORING_ALARM_SUPPRESSION);
    check(
        !suppression.isNegative(),
        JobOptions.SCORING_ALARM_SUPPRESSION,
        suppression,
        "must not be negative");
    String combine = c.get(JobOptions.SCORING_COMBINE);
    AnomalyLikelihood.Combine how;
    try {
      how = AnomalyLikelihood.Combine.parse(combine);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format(
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
        .seasonalMaxPeriod(seasonalMaxPeriod(c))
        .restoreWindows(nonNegativeInt(c, JobOptions.SCORING_RESTORE_WINDOWS))
        .build();
  }

  private static int seasonalMaxPeriod(Configuration c) {
    int v = c.get(JobOptions.SCORING_SEASONAL_MAX_PERIOD);
    check(v == 0 || v >= 4, JobOptions.SCORING_SEASONAL_MAX_PERIOD, v, "must be 0 (off) or >= 4");
    return v;
  }

  private static double nonNegative(Configuration c, ConfigOption<Double> option) {
    double v = c.get(option);
    check(v >= 0, option, v, "must be >= 0");
    return v;
  }

  private static int nonNegativeInt(Configuration c, ConfigOption<Integer> option) {
    int v = c.get(option);
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
