package io.streamae.job;

import io.streamae.window.GapPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
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
    Integer windowSize,
    int windowSlide,
    Duration maxOutOfOrderness,
    Duration idleTimeout,
    Duration maxGap,
    GapPolicy gapPolicy,
    Duration stateTtl,
    Duration maxFutureSkew,
    String outputPath,
    String deadLetterPath) implements java.io.Serializable {

  public static final Set<String> SOURCES = Set.of("generator", "nab", "file", "kafka");

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
    GapPolicy policy;
    try {
      policy = GapPolicy.parse(c.get(JobOptions.GAP_POLICY));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format("%s (%s) must be restart or fill", JobOptions.GAP_POLICY.key(), c.get(JobOptions.GAP_POLICY)));
    }
    return new JobConfig(
        source,
        sourcePath,
        sensors,
        readings,
        interval,
        poison,
        c.get(JobOptions.MODEL_PATH),
        size,
        slide,
        ooo,
        positiveDuration(c, JobOptions.IDLE_TIMEOUT),
        positiveDuration(c, JobOptions.MAX_GAP),
        policy,
        positiveDuration(c, JobOptions.STATE_TTL),
        positiveDuration(c, JobOptions.MAX_FUTURE_SKEW),
        c.get(JobOptions.OUTPUT_PATH),
        c.get(JobOptions.DEAD_LETTER_PATH));
  }

  /** The same configuration with another model path. */
  public JobConfig withModelPath(String path) {
    return new JobConfig(source, sourcePath, generatorSensors, generatorReadings, generatorInterval,
        generatorPoisonEvery, path, windowSize, windowSlide, maxOutOfOrderness, idleTimeout, maxGap,
        gapPolicy, stateTtl, maxFutureSkew, outputPath, deadLetterPath);
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
