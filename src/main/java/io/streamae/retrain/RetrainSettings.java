package io.streamae.retrain;

import java.time.Duration;

/**
 * How the retrainer samples, detects drift and trains.
 *
 * <pre>{@code
 * RetrainSettings settings = RetrainSettings.builder()
 *     .sampleWindows(4096).driftFactor(3).driftShare(0.25)
 *     .minDriftWindows(200).epochs(5).cpuShare(0.5)
 *     .build();
 * }</pre>
 *
 * @param sampleWindows most normal windows kept per model
 * @param sampleStride keep every n-th normal window of a sensor
 * @param maxSensors most sensors followed per model (sample and drift detector)
 * @param recentWindows errors per sensor whose median the drift detector judges
 * @param driftFactor a sensor drifted when its median error exceeds this multiple of the model's
 *     median validation error
 * @param driftShare the model drifts when this share of its sensors drifted
 * @param checkEvery results of a model between two looks at drift and schedule
 * @param minWindows fewest windows in the sample to train on
 * @param minDriftWindows fewest normal windows of the drifted sensors sampled since the drift was
 *     detected (so the new version sees the new behaviour)
 * @param every also retrain on this schedule (processing time), drift or not; null = only on drift
 * @param minInterval no retrain of a model sooner than this after its last one (processing time):
 *     bounds how much of the machine retraining takes when a drift outlasts one new version
 * @param epochs of fine-tuning
 * @param batchSize mini-batch size
 * @param learningRate Adam's learning rate for fine-tuning
 * @param validationFraction newest share of the sample held out to calibrate the new version
 * @param cpuShare share of one core training may use ({@link CpuBudget})
 * @param seed of the fine-tuning runs
 */
public record RetrainSettings(
    int sampleWindows,
    int sampleStride,
    int maxSensors,
    int recentWindows,
    double driftFactor,
    double driftShare,
    int checkEvery,
    int minWindows,
    int minDriftWindows,
    Duration every,
    Duration minInterval,
    int epochs,
    int batchSize,
    double learningRate,
    double validationFraction,
    double cpuShare,
    long seed) {

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with the defaults of {@code streamae retrain}; {@link #build()} checks every value. */
  public static final class Builder {
    private int sampleWindows = 4096;
    private int sampleStride = 2;
    private int maxSensors = 100_000;
    private int recentWindows = 100;
    private double driftFactor = 3.0;
    private double driftShare = 0.25;
    private int checkEvery = 200;
    private int minWindows = 512;
    private int minDriftWindows = 200;
    private Duration every;
    private Duration minInterval = Duration.ofMinutes(10);
    private int epochs = 5;
    private int batchSize = 64;
    private double learningRate = 1e-3;
    private double validationFraction = 0.2;
    private double cpuShare = 0.5;
    private long seed = 42;

    public Builder sampleWindows(int v) {
      sampleWindows = v;
      return this;
    }

    public Builder sampleStride(int v) {
      sampleStride = v;
      return this;
    }

    public Builder maxSensors(int v) {
      maxSensors = v;
      return this;
    }

    public Builder recentWindows(int v) {
      recentWindows = v;
      return this;
    }

    public Builder driftFactor(double v) {
      driftFactor = v;
      return this;
    }

    public Builder driftShare(double v) {
      driftShare = v;
      return this;
    }

    public Builder checkEvery(int v) {
      checkEvery = v;
      return this;
    }

    public Builder minWindows(int v) {
      minWindows = v;
      return this;
    }

    public Builder minDriftWindows(int v) {
      minDriftWindows = v;
      return this;
    }

    public Builder every(Duration v) {
      every = v;
      return this;
    }

    public Builder minInterval(Duration v) {
      minInterval = v;
      return this;
    }

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder validationFraction(double v) {
      validationFraction = v;
      return this;
    }

    public Builder cpuShare(double v) {
      cpuShare = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public RetrainSettings build() {
      check(sampleWindows >= 1, "retrain sample windows (%s) must be >= 1", sampleWindows);
      check(sampleStride >= 1, "retrain sample stride (%s) must be >= 1", sampleStride);
      check(maxSensors >= 1, "retrain max sensors (%s) must be >= 1", maxSensors);
      check(recentWindows >= 1, "retrain recent windows (%s) must be >= 1", recentWindows);
      check(driftFactor > 1, "retrain drift factor (%s) must be > 1", driftFactor);
      check(
          driftShare > 0 && driftShare <= 1,
          "retrain drift share (%s) must be in (0, 1]",
          driftShare);
      check(checkEvery >= 1, "retrain check interval (%s) must be >= 1", checkEvery);
      check(
          minWindows >= 2 && minWindows <= sampleWindows,
          "retrain min windows (%s) must be in [2, sample windows (%s)]",
          minWindows,
          sampleWindows);
      check(minDriftWindows >= 0, "retrain min drift windows (%s) must be >= 0", minDriftWindows);
      check(
          every == null || !every.isNegative() && !every.isZero(),
          "retrain schedule (%s) must be positive",
          every);
      check(
          minInterval != null && !minInterval.isNegative(),
          "retrain min interval (%s) must be >= 0",
          minInterval);
      check(epochs >= 1, "retrain epochs (%s) must be >= 1", epochs);
      check(batchSize >= 1, "retrain batch size (%s) must be >= 1", batchSize);
      check(learningRate > 0, "retrain learning rate (%s) must be > 0", learningRate);
      check(
          validationFraction > 0 && validationFraction < 1,
          "retrain validation fraction (%s) must be in (0, 1)",
          validationFraction);
      check(cpuShare > 0 && cpuShare <= 1, "retrain CPU share (%s) must be in (0, 1]", cpuShare);
      return new RetrainSettings(
          sampleWindows,
          sampleStride,
          maxSensors,
          recentWindows,
          driftFactor,
          driftShare,
          checkEvery,
          minWindows,
          minDriftWindows,
          every,
          minInterval,
          epochs,
          batchSize,
          learningRate,
          validationFraction,
          cpuShare,
          seed);
    }

    private static void check(boolean ok, String template, Object... args) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(template, args));
      }
    }
  }
}
