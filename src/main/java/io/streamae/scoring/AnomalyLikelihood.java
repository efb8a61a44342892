package io.streamae.scoring;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns a sensor's raw window errors into a calibrated anomaly likelihood: how improbable the
 * recent error level is among the errors this sensor has shown while it was normal. The tail
 * probability {@code p} behind the score means the same on every sensor, whatever the scale, noise
 * or tail shape of its errors, so one threshold serves a whole fleet.
 *
 * <p>Place in the pipeline: used by {@link CalibrateScoresFunction} (keyed by sensor) after {@code
 * score-windows}; pure Java, the per-sensor {@link State} lives in Flink keyed state.
 *
 * <p>Input, per window: the reconstruction error and the error of the previous window's next-step
 * prediction against the reading that arrived (either may be NaN), the window's newest reading and
 * its event time. A third error stream comes from the readings themselves: a sensor with a rhythm
 * longer than the model's window (a load cycle, a day) is also judged by the distance of its
 * readings from the same point one to three periods earlier ({@link SeasonalReference}). Output: a
 * {@link Result} with the likelihood {@code 1 - p}, the score written to the record, the alarm
 * decision and whether the sensor is still warming up.
 *
 * <p>Per error stream (reconstruction, prediction, seasonal):
 *
 * <ol>
 *   <li>the error's logarithm {@code ln(e + 1e-6)} is averaged over the last {@code averageWindows}
 *       windows. On a log scale a sensor's error scale is a shift, which the reference below
 *       absorbs;
 *   <li>the reference is an exponentially decaying histogram (time constant {@code historyWindows})
 *       of the sensor's earlier averages, in bins of 0.1 (about 10 %);
 *   <li>{@code p} is the reference's share at or above the average — empirical up to the
 *       reference's 90th percentile {@code q}; above it an exponential tail {@code 0.1 · exp(-(x -
 *       q) / β)} fitted by the mean excess β over {@code q} (peaks over threshold with a
 *       generalised Pareto tail of shape 0 on log errors, i.e. a power-law tail on errors). A
 *       heavy-tailed sensor has a large β, so its big errors are less surprising; β is widened by
 *       {@code 1 + 1/√m} for {@code m} excesses, so a young reference is not overconfident. The
 *       tail is never below the reference's own share at or above the value: errors this large that
 *       the sensor showed while normal are not rare, whatever the fit says.
 * </ol>
 *
 * The streams that have something to judge combine by {@link Combine}. The score is {@code x / (x +
 * 5)} with {@code x = -log10 p}: 0.5 at {@code p = 1e-5}, bounded, never saturating. Tails are kept
 * as logarithms, so nothing underflows to a tie.
 *
 * <p>Alarms and learning. A window is {@code anomalous} when its likelihood reaches {@code
 * alarmLikelihood}; the alarm then holds while the likelihood stays at or above {@code
 * releaseLikelihood} (hysteresis), so a fault whose windows hover at the threshold raises one
 * alarm, not a flicker. While a sensor is in alarm its reference is frozen: an ongoing fault is
 * never learned as the new normal, and its score stays high as long as its errors stay abnormal.
 * Only when the alarm has lasted {@code relearnAfter} (event time) does the sensor learn again, so
 * a lasting new operating level stops alarming shortly after that. What it learns then is
 * provisional: the reference of before the alarm is kept, and when {@code restoreWindows} windows
 * in a row are normal by it again (the fault ended and the old behaviour is back) the sensor
 * returns to it, so the fault's errors do not stay in the reference and mute the next fault. After
 * {@link #KEEP_RELEARNED_AFTER} × {@code relearnAfter} without that return, the new level is kept
 * for good. For the first {@code warmupWindows} windows of a sensor the score is 0, nothing is
 * flagged and every window teaches the reference. With {@code alarmSuppression}, no new alarm
 * episode is raised within that time after the previous one started.
 *
 * <p>Range check. A reading beyond every value the sensor has shown, by more than {@code
 * rangeMargin} of its range so far, counts as a tail of 1e-10 (score 0.67) whatever the model's
 * errors say: a new extreme is what a model trained on a range cannot judge (its tanh units
 * saturate), and what operators ask about first. The range then includes the reading, so only a new
 * extreme counts. It starts from the sensor's first reading and judges from its 500th on, so a
 * young sensor's range is not mistaken for its limits.
 */
public final class AnomalyLikelihood implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Number of error streams: reconstruction, prediction and the sensor's own rhythm. */
  public static final int STREAMS = 3;

  public static final int RECONSTRUCTION = 0;
  public static final int PREDICTION = 1;
  public static final int SEASONAL = 2;

  /** Added to errors before the log transform (normalised squared units). */
  static final double ERROR_FLOOR = 1e-6;

  /** Lower edge and width of the reference histogram's bins, on the log-error scale. */
  static final double LOWEST = Math.log(1e-7);

  static final double BIN_WIDTH = 0.1;

  /** Bins from 1e-7 to 1e5 normalised squared units; values outside count in the end bins. */
  static final int BINS = (int) Math.ceil((Math.log(1e5) - LOWEST) / BIN_WIDTH);

  /** Share of the reference above which the exponential tail replaces the empirical one. */
  static final double TAIL_SHARE = 0.1;

  /** Smallest tail scale β: one bin, so a perfectly steady error still has a finite tail. */
  static final double MIN_TAIL_SCALE = BIN_WIDTH / 2;

  /** Reference samples a stream needs before it judges anything. */
  static final int MIN_SAMPLES = 10;

  /** Readings a sensor's range must have seen before a reading beyond it counts. */
  static final int RANGE_MIN_READINGS = 500;

  /** ln p of a reading beyond the sensor's range: 1e-10, score 0.67. */
  static final double RANGE_LOG_TAIL = Math.log(1e-10);

  /** A relearned alarm's regime is kept for good after this many times {@code relearnAfter}. */
  static final long KEEP_RELEARNED_AFTER = 4;

  /** Decades of tail probability that score 0.5. */
  static final double HALF_SCORE_DECADES = 5.0;

  private final Settings settings;
  private final double decay;
  private final double logAlarmTail;
  private final double logReleaseTail;

  public AnomalyLikelihood(Settings settings) {
    this.settings = settings;
    this.decay = 1.0 - 1.0 / settings.historyWindows();
    this.logAlarmTail = Math.log1p(-settings.alarmLikelihood());
    this.logReleaseTail = Math.log1p(-settings.releaseLikelihood());
  }

  public Settings settings() {
    return settings;
  }

  /** How the tails of the error streams combine. */
  public enum Combine {
    /**
     * The most surprising stream decides: {@code p = min(1, k · min(p_i))} over k streams
     * (Bonferroni).
     */
    MAX,
    /**
     * Fisher's method: every stream counts; for two, {@code p = q · (1 − ln q)} with q the product.
     */
    PRODUCT;

    public static Combine parse(String value) {
      for (Combine c : values()) {
        if (c.name().equalsIgnoreCase(value.trim())) {
          return c;
        }
      }
      throw new IllegalArgumentException(
          String.format("unknown combination '%s'; expected max or product", value));
    }
  }

  /**
   * Calibration settings; {@link #builder()} checks them.
   *
   * @param warmupWindows windows per sensor before scores are live (score 0 until then)
   * @param historyWindows time constant of the reference, in windows
   * @param averageWindows windows in the short moving average of recent log errors
   * @param alarmLikelihood likelihood from which a window raises an alarm
   * @param releaseLikelihood an alarm holds while the likelihood stays at or above this
   * @param relearnAfterMs event time after which a sensor still in alarm learns again; a lasting
   *     new level stops alarming shortly after
   * @param alarmSuppressionMs no new alarm episode within this time after one started; 0 = off
   * @param combine how reconstruction and prediction tails combine
   * @param rangeCheck whether a reading beyond every value the sensor has shown is anomalous
   * @param rangeMargin how far beyond, as a share of the sensor's range so far
   * @param seasonalMaxPeriod longest rhythm a sensor's {@link SeasonalReference} looks for, in
   *     windows; 0 turns that stream off
   * @param restoreWindows windows in a row that must be normal by the reference of before a
   *     relearned alarm for the sensor to return to that reference; 0 = never return
   */
  public record Settings(
      int warmupWindows,
      int historyWindows,
      int averageWindows,
      double alarmLikelihood,
      double releaseLikelihood,
      long relearnAfterMs,
      long alarmSuppressionMs,
      Combine combine,
      boolean rangeCheck,
      double rangeMargin,
      int seasonalMaxPeriod,
      int restoreWindows)
      implements Serializable {

    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the job's defaults; {@link #build()} checks every value. */
    public static final class Builder {
      private int warmupWindows = 100;
      private int historyWindows = 8640;
      private int averageWindows = 3;
      private double alarmLikelihood = 0.999;
      private double releaseLikelihood = 0.99;
      private Duration relearnAfter = Duration.ofHours(2);
      private Duration alarmSuppression = Duration.ZERO;
      private Combine combine = Combine.MAX;
      private boolean rangeCheck = true;
      private double rangeMargin = 0.02;
      private int seasonalMaxPeriod = 1440;
      private int restoreWindows = 60;

      public Builder warmupWindows(int value) {
        this.warmupWindows = value;
        return this;
      }

      public Builder historyWindows(int value) {
        this.historyWindows = value;
        return this;
      }

      public Builder averageWindows(int value) {
        this.averageWindows = value;
        return this;
      }

      public Builder alarmLikelihood(double value) {
        this.alarmLikelihood = value;
        return this;
      }

      public Builder releaseLikelihood(double value) {
        this.releaseLikelihood = value;
        return this;
      }

      public Builder relearnAfter(Duration value) {
        this.relearnAfter = value;
        return this;
      }

      public Builder alarmSuppression(Duration value) {
        this.alarmSuppression = value;
        return this;
      }

      public Builder combine(Combine value) {
        this.combine = value;
        return this;
      }

      public Builder rangeCheck(boolean value) {
        this.rangeCheck = value;
        return this;
      }

      public Builder rangeMargin(double value) {
        this.rangeMargin = value;
        return this;
      }

      public Builder seasonalMaxPeriod(int value) {
        this.seasonalMaxPeriod = value;
        return this;
      }

      public Builder restoreWindows(int value) {
        this.restoreWindows = value;
        return this;
      }

      public Settings build() {
        check(warmupWindows >= 0, "warm-up must be >= 0 windows, was %s", warmupWindows);
        check(historyWindows >= 2, "history must be >= 2 windows, was %s", historyWindows);
        check(averageWindows >= 1, "moving average must be >= 1 window, was %s", averageWindows);
        check(
            alarmLikelihood > 0 && alarmLikelihood < 1,
            "alarm likelihood must be in (0, 1), was %s",
            alarmLikelihood);
        check(
            releaseLikelihood > 0 && releaseLikelihood <= alarmLikelihood,
            "release likelihood must be in (0, alarm likelihood %s], was %s",
            alarmLikelihood,
            releaseLikelihood);
        check(
            relearnAfter != null && !relearnAfter.isNegative() && !relearnAfter.isZero(),
            "relearn-after must be positive, was %s",
            relearnAfter);
        check(
            alarmSuppression != null && !alarmSuppression.isNegative(),
            "alarm suppression must not be negative, was %s",
            alarmSuppression);
        check(combine != null, "combination must be set");
        check(rangeMargin >= 0, "range margin must be >= 0, was %s", rangeMargin);
        check(
            seasonalMaxPeriod == 0 || seasonalMaxPeriod >= SeasonalReference.MIN_PERIOD,
            "seasonal max period must be 0 (off) or >= %s windows, was %s",
            SeasonalReference.MIN_PERIOD,
            seasonalMaxPeriod);
        check(restoreWindows >= 0, "restore windows must be >= 0, was %s", restoreWindows);
        return new Settings(
            warmupWindows,
            historyWindows,
            averageWindows,
            alarmLikelihood,
            releaseLikelihood,
            relearnAfter.toMillis(),
            alarmSuppression.toMillis(),
            combine,
            rangeCheck,
            rangeMargin,
            seasonalMaxPeriod,
            restoreWindows);
      }

      private static void check(boolean ok, String template, Object... args) {
        if (!ok) {
          throw new IllegalArgumentException(String.format(Locale.ROOT, template, args));
        }
      }
    }
  }

  /**
   * Per-sensor state: a POJO with public fields so Flink serialises it without Kryo. Arrays are
   * stream-major ({@link #RECONSTRUCTION}, {@link #PREDICTION}, {@link #SEASONAL}): {@code
   * histogram} holds each stream's {@link #BINS} decayed counts, {@code recent} its last {@code
   * averageWindows} log errors as a ring. About 3.4 KB per sensor, plus the seasonal readings
   * ({@link SeasonalReference}).
   */
  public static class State {
    /** Windows seen, scored or not. */
    public long windows;

    /** Per stream: windows learned, and the decayed total of the histogram. */
    public long[] samples;

    public double[] mass;
    public float[] histogram;
    public double[] recent;

    /** Per stream: values in the ring (up to averageWindows) and the next slot. */
    public int[] recentCount;

    public int[] recentNext;

    /**
     * Per feature: the mean log reconstruction error of the windows learned from (the typical error
     * the feature's errors are divided by); null before the first window with features.
     */
    public double[] featureScale;

    public long featureSamples;

    /** Per feature: lowest and highest reading seen; null before the first reading. */
    public float[] low;

    public float[] high;

    /** Readings the range has seen. */
    public long rangeReadings;

    /** Event time the current alarm started; {@code Long.MIN_VALUE} when not in alarm. */
    public long alarmSince;

    /** Event time of the last reported alarm episode; {@code Long.MIN_VALUE} when none. */
    public long lastAlarm;

    /** Whether the current alarm episode is held back by suppression. */
    public boolean suppressed;

    /**
     * {@link SeasonalReference}: the period in windows (0 while collecting, -1 when the sensor has
     * none), its readings (a collection buffer, then a ring of the last periods, row-major), the
     * readings stored, the feature count, and per feature the mean log distance learned.
     */
    public int seasonPeriod;

    /** Per feature, its period in windows (0: none); null while collecting. */
    public int[] seasonPeriods;

    public float[] seasonValues;
    public long seasonCount;
    public int seasonFeatures;
    public double[] seasonScale;
    public long seasonSamples;

    /** The last signed distances from the reference, a ring of windows by features. */
    public float[] seasonResiduals;

    public long seasonResidualCount;

    /**
     * The reference as it was when a long alarm started to be learned ({@code relearnAfter}): its
     * histogram, decayed totals and windows learned per stream; null when not relearning. If the
     * sensor's windows turn normal again by this reference, the fault is over and the reference
     * returns to it, so the fault's errors do not mute the next one.
     */
    public float[] heldHistogram;

    public double[] heldMass;
    public long[] heldSamples;

    /** Event time the held reference was taken. */
    public long heldSince;

    /** Consecutive windows judged normal by the held reference. */
    public int heldNormalRun;

    public State() {}

    /** A fresh state for {@code settings}. */
    public static State create(Settings settings) {
      State s = new State();
      s.samples = new long[STREAMS];
      s.mass = new double[STREAMS];
      s.histogram = new float[STREAMS * BINS];
      s.recent = new double[STREAMS * settings.averageWindows()];
      s.recentCount = new int[STREAMS];
      s.recentNext = new int[STREAMS];
      s.alarmSince = Long.MIN_VALUE;
      s.lastAlarm = Long.MIN_VALUE;
      return s;
    }

    /**
     * A state for a sensor whose model has just changed: past warm-up, its reference seeded with
     * the new model's validation errors ({@code prior}) instead of the old model's history, so the
     * first windows of the new model are judged against what that model normally shows and learning
     * goes on from there. What does not depend on the model comes over from {@code previous} (may
     * be null): the sensor's reading range and when its last alarm episode began.
     *
     * <p>The prior counts as {@code w = min(prior.count, max(warmupWindows, MIN_SAMPLES))} windows:
     * about as much evidence as a warm-up would have gathered, so the sensor's own errors under the
     * new model take over after a few hundred windows. The error stream the prior does not describe
     * (prediction, for a prior of reconstruction errors) starts empty and judges only after {@code
     * w} windows of the new model, as after a warm-up. With per-feature errors, each feature's
     * typical error keeps its ratio to the others from {@code previous} (which feature of the
     * sensor is the noisy one) and is levelled so their mean is the prior's median, counting as
     * {@code w} windows; without {@code previous} features it is learned from the first windows as
     * for a new sensor.
     */
    public static State fromPrior(Settings settings, Prior prior, State previous) {
      State s = create(settings);
      s.windows = settings.warmupWindows();
      if (previous != null) {
        s.low = previous.low == null ? null : previous.low.clone();
        s.high = previous.high == null ? null : previous.high.clone();
        s.rangeReadings = previous.rangeReadings;
        s.lastAlarm = previous.lastAlarm;
        carrySeasonal(s, previous, settings);
      }
      if (prior == null || !prior.usable()) {
        return s;
      }
      double weight =
          Math.min((double) prior.count(), Math.max(settings.warmupWindows(), MIN_SAMPLES));
      double[] knots = prior.logKnots();
      int base = prior.stream() * BINS;
      for (int b = 0; b < BINS; b++) {
        double lo = LOWEST + b * BIN_WIDTH;
        double share = Prior.cdf(knots, lo + BIN_WIDTH) - Prior.cdf(knots, lo);
        s.histogram[base + b] = (float) (weight * share);
      }
      s.mass[prior.stream()] = weight;
      s.samples[prior.stream()] = Math.round(weight);
      // The other stream judges once it has learned w windows (logTail wants MIN_SAMPLES).
      s.samples[1 - prior.stream()] = MIN_SAMPLES - Math.round(weight);
      if (prior.stream() == RECONSTRUCTION
          && prior.features() >= 2
          && previous != null
          && previous.featureScale != null
          && previous.featureScale.length == prior.features()
          && previous.featureSamples > 0) {
        double meanScale = 0;
        for (double scale : previous.featureScale) {
          meanScale += Math.exp(scale);
        }
        double level = Math.log(prior.p50() + ERROR_FLOOR) - Math.log(meanScale / prior.features());
        s.featureScale = new double[prior.features()];
        for (int f = 0; f < prior.features(); f++) {
          s.featureScale[f] = previous.featureScale[f] + level;
        }
        s.featureSamples = Math.round(weight);
      }
      return s;
    }
  }

  /**
   * The seasonal stream judges readings, not a model's errors: a new model keeps the sensor's
   * period, its readings and that stream's reference.
   */
  private static void carrySeasonal(State s, State previous, Settings settings) {
    s.seasonPeriod = previous.seasonPeriod;
    s.seasonPeriods = previous.seasonPeriods == null ? null : previous.seasonPeriods.clone();
    s.seasonValues = previous.seasonValues == null ? null : previous.seasonValues.clone();
    s.seasonCount = previous.seasonCount;
    s.seasonFeatures = previous.seasonFeatures;
    s.seasonScale = previous.seasonScale == null ? null : previous.seasonScale.clone();
    s.seasonSamples = previous.seasonSamples;
    s.seasonResiduals = previous.seasonResiduals == null ? null : previous.seasonResiduals.clone();
    s.seasonResidualCount = previous.seasonResidualCount;
    if (previous.samples == null || previous.samples.length < STREAMS) {
      return;
    }
    int k = settings.averageWindows();
    System.arraycopy(previous.histogram, SEASONAL * BINS, s.histogram, SEASONAL * BINS, BINS);
    s.mass[SEASONAL] = previous.mass[SEASONAL];
    s.samples[SEASONAL] = previous.samples[SEASONAL];
    if (previous.recent.length == STREAMS * k) {
      System.arraycopy(previous.recent, SEASONAL * k, s.recent, SEASONAL * k, k);
      s.recentCount[SEASONAL] = previous.recentCount[SEASONAL];
      s.recentNext[SEASONAL] = previous.recentNext[SEASONAL];
    }
  }

  /**
   * A model's own error distribution, from the validation windows it was calibrated on, to start a
   * sensor's reference from when that model begins to score it ({@link State#fromPrior}).
   *
   * @param stream {@link #RECONSTRUCTION} or {@link #PREDICTION}: which error the summary is of
   * @param features features per window; with two or more the reconstruction stream judges errors
   *     relative to each feature's typical error, so the prior is taken relative to its median
   * @param count validation windows behind the summary
   * @param p50 median error (normalised squared units), likewise {@code p90}, {@code p99} and the
   *     largest
   */
  public record Prior(
      int stream, int features, long count, double p50, double p90, double p99, double max)
      implements Serializable {

    /** Whether the quantiles describe a distribution: positive, finite and in order. */
    public boolean usable() {
      return (stream == RECONSTRUCTION || stream == PREDICTION)
          && count > 0
          && p50 > 0
          && p50 <= p90
          && p90 <= p99
          && p99 <= max
          && Double.isFinite(max);
    }

    /**
     * Log-error knots of a piecewise-linear CDF at 0, 1, 10, 50, 90, 99 and 100 %; the lower half
     * mirrors the upper one on the log scale (the summary has no lower quantiles).
     */
    double[] logKnots() {
      double shift = stream == RECONSTRUCTION && features >= 2 ? Math.log(p50 + ERROR_FLOOR) : 0.0;
      double l50 = Math.log(p50 + ERROR_FLOOR) - shift;
      double l90 = Math.log(p90 + ERROR_FLOOR) - shift;
      double l99 = Math.log(p99 + ERROR_FLOOR) - shift;
      double lmax = Math.log(max + ERROR_FLOOR) - shift;
      return new double[] {2 * l50 - lmax, 2 * l50 - l99, 2 * l50 - l90, l50, l90, l99, lmax};
    }

    private static final double[] LEVELS = {0.0, 0.01, 0.1, 0.5, 0.9, 0.99, 1.0};

    static double cdf(double[] knots, double x) {
      if (x <= knots[0]) {
        return 0.0;
      }
      for (int i = 1; i < knots.length; i++) {
        if (x <= knots[i]) {
          double width = knots[i] - knots[i - 1];
          double t = width > 0 ? (x - knots[i - 1]) / width : 1.0;
          return LEVELS[i - 1] + t * (LEVELS[i] - LEVELS[i - 1]);
        }
      }
      return 1.0;
    }
  }

  /**
   * The calibration of one window.
   *
   * @param likelihood {@code 1 - p}, in [0, 1]; 0 while warming up or when no error could be judged
   *     yet
   * @param logTail natural log of {@code p} (0 when nothing could be judged)
   * @param score the value for {@code anomalyScore}: {@link #logScore} of the tail
   * @param anomalous whether the window is part of an alarm
   * @param warmingUp whether the sensor is still in its first {@code warmupWindows} windows
   */
  public record Result(
      double likelihood, double logTail, double score, boolean anomalous, boolean warmingUp) {}

  /**
   * Calibrates one window and updates {@code state}.
   *
   * @param reconstructionError window reconstruction error, NaN when unavailable
   * @param predictionError previous prediction's error, NaN when unavailable
   * @param eventTime the window's event time (its end), epoch ms
   */
  public Result update(
      State state, double reconstructionError, double predictionError, long eventTime) {
    return update(state, reconstructionError, predictionError, null, eventTime);
  }

  /**
   * Calibrates one window and updates {@code state}, with the range check on the window's newest
   * reading.
   *
   * @param values the window's newest reading per feature, original units; null when unknown
   */
  public Result update(
      State state,
      double reconstructionError,
      double predictionError,
      float[] values,
      long eventTime) {
    return update(state, reconstructionError, null, predictionError, values, eventTime);
  }

  /**
   * Calibrates one window and updates {@code state}; with per-feature errors of two or more
   * features, the reconstruction stream judges them normalised by each feature's own typical error
   * ({@link #normalisedError}), so a noisy feature does not hide a quiet one.
   *
   * @param featureErrors per-feature reconstruction errors, or null to judge {@code
   *     reconstructionError} as it is
   */
  public Result update(
      State state,
      double reconstructionError,
      float[] featureErrors,
      double predictionError,
      float[] values,
      long eventTime) {
    boolean warmingUp = state.windows < settings.warmupWindows();
    state.windows++;
    double[] logFeatureErrors = logFeatureErrors(featureErrors, reconstructionError);
    if (logFeatureErrors != null) {
      reconstructionError = normalisedError(state, logFeatureErrors);
    }
    grow(state);
    boolean wasLearning =
        state.alarmSince == Long.MIN_VALUE
            || eventTime - state.alarmSince >= settings.relearnAfterMs();
    double seasonalError =
        SeasonalReference.update(
            state,
            values,
            wasLearning,
            settings.warmupWindows(),
            settings.seasonalMaxPeriod(),
            error -> learn(state, SEASONAL, average(state, SEASONAL, error)));
    double averageR = average(state, RECONSTRUCTION, reconstructionError);
    double averageP = average(state, PREDICTION, predictionError);
    double averageS = average(state, SEASONAL, seasonalError);
    double logTail =
        combine(
            logTail(state, RECONSTRUCTION, averageR),
            logTail(state, PREDICTION, averageP),
            logTail(state, SEASONAL, averageS));
    if (beyondRange(state, values) && !warmingUp) {
      logTail = Math.min(logTail, RANGE_LOG_TAIL);
    }

    // The alarm state: entered at the alarm level, held down to the release level. It freezes
    // the reference whether or not suppression keeps the episode from being reported.
    boolean inAlarm = false;
    if (!warmingUp) {
      boolean wasInAlarm = state.alarmSince != Long.MIN_VALUE;
      inAlarm = logTail <= (wasInAlarm ? logReleaseTail : logAlarmTail);
      if (inAlarm && !wasInAlarm) {
        state.alarmSince = eventTime;
        state.suppressed =
            state.lastAlarm != Long.MIN_VALUE
                && eventTime - state.lastAlarm < settings.alarmSuppressionMs();
        if (!state.suppressed) {
          state.lastAlarm = eventTime;
        }
      } else if (!inAlarm) {
        state.alarmSince = Long.MIN_VALUE;
        state.suppressed = false;
      }
    }
    boolean anomalous = inAlarm && !state.suppressed;
    // A sensor in alarm does not learn its fault, unless the alarm has lasted long enough to be
    // a new normal.
    boolean learn = !inAlarm || eventTime - state.alarmSince >= settings.relearnAfterMs();
    if (settings.restoreWindows() > 0) {
      holdOrRestore(state, inAlarm && learn, averageR, averageP, averageS, eventTime);
    }
    if (learn) {
      learn(state, RECONSTRUCTION, averageR);
      learn(state, PREDICTION, averageP);
      learn(state, SEASONAL, averageS);
      learnFeatureScales(state, logFeatureErrors);
    }
    if (warmingUp) {
      return new Result(0.0, 0.0, 0.0, false, true);
    }
    return new Result(-Math.expm1(logTail), logTail, logScore(logTail), anomalous, false);
  }

  /**
   * The score of a tail probability, from its natural log: {@code x / (x + 5)} with {@code x =
   * -log10(p)}. 0.5 at {@code p = 1e-5}; it never saturates, so stronger evidence always ranks
   * higher (1e-10 scores 0.67, 1e-50 0.91).
   */
  public static double logScore(double logTail) {
    double x = Math.max(0.0, -logTail / Math.log(10));
    return x / (x + HALF_SCORE_DECADES);
  }

  /** The tail probability a score stands for: the inverse of {@link #logScore}. */
  public static double tailOfScore(double score) {
    if (score <= 0) {
      return 1.0;
    }
    double x = HALF_SCORE_DECADES * score / (1 - score);
    return Math.pow(10, -x);
  }

  /** ln of each feature's error, or null when there are fewer than two usable ones. */
  private static double[] logFeatureErrors(float[] featureErrors, double reconstructionError) {
    if (featureErrors == null || featureErrors.length < 2 || Double.isNaN(reconstructionError)) {
      return null;
    }
    double[] out = new double[featureErrors.length];
    for (int f = 0; f < out.length; f++) {
      if (!(featureErrors[f] >= 0) || Float.isInfinite(featureErrors[f])) {
        return null;
      }
      out[f] = Math.log(featureErrors[f] + ERROR_FLOOR);
    }
    return out;
  }

  /**
   * The mean over features of each feature's error divided by that feature's typical error (the
   * geometric mean of its errors in windows the sensor learned from). Until a feature has a typical
   * error, its own error counts as typical.
   */
  static double normalisedError(State state, double[] logFeatureErrors) {
    int features = logFeatureErrors.length;
    if (state.featureScale == null || state.featureScale.length != features) {
      state.featureScale = new double[features];
      state.featureSamples = 0;
    }
    double sum = 0;
    for (int f = 0; f < features; f++) {
      double scale = state.featureSamples == 0 ? logFeatureErrors[f] : state.featureScale[f];
      sum += Math.exp(logFeatureErrors[f] - scale);
    }
    return sum / features;
  }

  private void learnFeatureScales(State state, double[] logFeatureErrors) {
    if (logFeatureErrors == null) {
      return;
    }
    double alpha = Math.max(1.0 / (state.featureSamples + 1), 1.0 / settings.historyWindows());
    for (int f = 0; f < logFeatureErrors.length; f++) {
      state.featureScale[f] += alpha * (logFeatureErrors[f] - state.featureScale[f]);
    }
    state.featureSamples++;
  }

  /**
   * Whether a feature of {@code values} lies beyond the sensor's range so far by more than {@code
   * rangeMargin} of that range; then widens the range to include it, so only a new extreme counts.
   */
  private boolean beyondRange(State state, float[] values) {
    if (!settings.rangeCheck() || values == null || values.length == 0) {
      return false;
    }
    if (state.low == null || state.low.length != values.length) {
      state.low = values.clone();
      state.high = values.clone();
      state.rangeReadings = 1;
      return false;
    }
    boolean beyond = false;
    boolean judged = state.rangeReadings >= RANGE_MIN_READINGS;
    state.rangeReadings++;
    for (int f = 0; f < values.length; f++) {
      float v = values[f];
      if (Float.isNaN(v)) {
        continue;
      }
      double margin = settings.rangeMargin() * ((double) state.high[f] - state.low[f]);
      beyond |= judged && (v > state.high[f] + margin || v < state.low[f] - margin);
      state.low[f] = Math.min(state.low[f], v);
      state.high[f] = Math.max(state.high[f], v);
    }
    return beyond;
  }

  /** Combines natural-log tails; NaN means the stream had nothing to judge. */
  private double combine(double... logTails) {
    int k = 0;
    double min = 0.0;
    double sum = 0.0;
    for (double t : logTails) {
      if (!Double.isNaN(t)) {
        k++;
        min = Math.min(min, t);
        sum += t;
      }
    }
    if (k <= 1) {
      return k == 1 ? min : 0.0;
    }
    if (settings.combine() == Combine.MAX) {
      return Math.min(0.0, min + Math.log(k));
    }
    // Fisher: P(chi2 with 2k degrees >= -2 sum) = e^-y * sum_{i<k} y^i / i!, with y = -sum.
    double y = -sum;
    double term = 1.0;
    double series = 1.0;
    for (int i = 1; i < k; i++) {
      term *= y / i;
      series += term;
    }
    return Math.min(0.0, sum + Math.log(series));
  }

  /**
   * Keeps the reference of before a long alarm while that alarm is being learned, and returns to it
   * once {@code restoreWindows} consecutive windows are normal by it again (the fault ended); after
   * {@link #KEEP_RELEARNED_AFTER} × {@code relearnAfter} of event time the learned regime stays (a
   * new normal).
   */
  private void holdOrRestore(
      State state,
      boolean relearning,
      double averageR,
      double averageP,
      double averageS,
      long eventTime) {
    if (state.heldHistogram == null) {
      if (relearning) {
        state.heldHistogram = state.histogram.clone();
        state.heldMass = state.mass.clone();
        state.heldSamples = state.samples.clone();
        state.heldSince = eventTime;
        state.heldNormalRun = 0;
      }
      return;
    }
    if (state.heldHistogram.length != state.histogram.length
        || eventTime - state.heldSince >= KEEP_RELEARNED_AFTER * settings.relearnAfterMs()) {
      dropHeld(state);
      return;
    }
    double heldTail =
        combine(
            logTail(
                state.heldHistogram, state.heldMass, state.heldSamples, RECONSTRUCTION, averageR),
            logTail(state.heldHistogram, state.heldMass, state.heldSamples, PREDICTION, averageP),
            logTail(state.heldHistogram, state.heldMass, state.heldSamples, SEASONAL, averageS));
    state.heldNormalRun = heldTail > logReleaseTail ? state.heldNormalRun + 1 : 0;
    if (state.heldNormalRun >= settings.restoreWindows()) {
      state.histogram = state.heldHistogram;
      state.mass = state.heldMass;
      state.samples = state.heldSamples;
      dropHeld(state);
    }
  }

  private static void dropHeld(State state) {
    state.heldHistogram = null;
    state.heldMass = null;
    state.heldSamples = null;
    state.heldNormalRun = 0;
  }

  /** Widens a state written with fewer streams (an older savepoint) to {@link #STREAMS}. */
  private void grow(State state) {
    if (state.samples.length >= STREAMS) {
      return;
    }
    int k = settings.averageWindows();
    state.samples = java.util.Arrays.copyOf(state.samples, STREAMS);
    state.mass = java.util.Arrays.copyOf(state.mass, STREAMS);
    state.histogram = java.util.Arrays.copyOf(state.histogram, STREAMS * BINS);
    state.recentCount = java.util.Arrays.copyOf(state.recentCount, STREAMS);
    state.recentNext = java.util.Arrays.copyOf(state.recentNext, STREAMS);
    state.recent = java.util.Arrays.copyOf(state.recent, STREAMS * k);
  }

  /** Adds one error to a stream's ring; the mean log error of the ring, NaN without an error. */
  private double average(State state, int stream, double error) {
    if (Double.isNaN(error) || error < 0) {
      return Double.NaN;
    }
    int k = settings.averageWindows();
    state.recent[stream * k + state.recentNext[stream]] = Math.log(error + ERROR_FLOOR);
    state.recentNext[stream] = (state.recentNext[stream] + 1) % k;
    state.recentCount[stream] = Math.min(k, state.recentCount[stream] + 1);
    double sum = 0;
    for (int i = 0; i < state.recentCount[stream]; i++) {
      sum += state.recent[stream * k + i];
    }
    return sum / state.recentCount[stream];
  }

  /** Folds {@code value} into the stream's reference; the older counts decay first. */
  private void learn(State state, int stream, double value) {
    if (Double.isNaN(value)) {
      return;
    }
    int base = stream * BINS;
    float f = (float) decay;
    for (int b = 0; b < BINS; b++) {
      state.histogram[base + b] *= f;
    }
    state.histogram[base + bin(value)] += 1f;
    state.mass[stream] = state.mass[stream] * decay + 1.0;
    state.samples[stream]++;
  }

  static int bin(double value) {
    int b = (int) Math.floor((value - LOWEST) / BIN_WIDTH);
    return Math.max(0, Math.min(BINS - 1, b));
  }

  /** ln p of {@code value} under the stream's reference; NaN when it cannot be judged yet. */
  static double logTail(State state, int stream, double value) {
    return logTail(state.histogram, state.mass, state.samples, stream, value);
  }

  /** ln p of {@code value} under a reference given by its arrays; NaN when it cannot judge. */
  static double logTail(float[] h, double[] streamMass, long[] samples, int stream, double value) {
    if (Double.isNaN(value) || samples[stream] < MIN_SAMPLES) {
      return Double.NaN;
    }
    int base = stream * BINS;
    double total = 0;
    for (int b = 0; b < BINS; b++) {
      total += h[base + b];
    }
    if (total <= 0) {
      return Double.NaN;
    }
    // The tail quantile q: walk down from the top bin until TAIL_SHARE of the mass lies above.
    double target = TAIL_SHARE * total;
    double above = 0;
    int qb = BINS - 1;
    while (qb > 0 && above + h[base + qb] < target) {
      above += h[base + qb];
      qb--;
    }
    double inBin = target - above; // mass of bin qb above q, taken as spread evenly in the bin
    double top = LOWEST + (qb + 1) * BIN_WIDTH;
    double q = h[base + qb] > 0 ? top - BIN_WIDTH * inBin / h[base + qb] : top;
    if (value >= q) {
      double excess = inBin * (top - q) / 2;
      for (int b = qb + 1; b < BINS; b++) {
        excess += h[base + b] * (LOWEST + (b + 0.5) * BIN_WIDTH - q);
      }
      double beta = Math.max(MIN_TAIL_SCALE, excess / target);
      // Few excesses say little about the tail's width: widen it by 1/√m.
      double m = TAIL_SHARE * streamMass[stream];
      beta *= 1 + 1 / Math.sqrt(Math.max(1.0, m));
      double exponential = Math.log(TAIL_SHARE) - (value - q) / beta;
      // Never rarer than the reference itself says: errors this large that the sensor showed
      // while normal (a recurring spike) have at least their own share.
      double seen = massAtOrAbove(h, base, value);
      return seen > 0 ? Math.max(exponential, Math.log(seen / total)) : exponential;
    }
    double mass = massAtOrAbove(h, base, value);
    return Math.log(Math.min(1.0, Math.max(mass, Double.MIN_NORMAL) / total));
  }

  /** The reference's decayed count at or above {@code value}, its bin counted in part. */
  private static double massAtOrAbove(float[] h, int base, double value) {
    int vb = bin(value);
    double share = (LOWEST + (vb + 1) * BIN_WIDTH - value) / BIN_WIDTH;
    double mass = h[base + vb] * Math.max(0, Math.min(1, share));
    for (int b = vb + 1; b < BINS; b++) {
      mass += h[base + b];
    }
    return mass;
  }
}
