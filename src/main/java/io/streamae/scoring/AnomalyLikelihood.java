package io.streamae.scoring;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns a sensor's raw window errors into a calibrated anomaly likelihood in [0, 1], in the spirit
 * of Numenta's anomaly likelihood: how improbable the recent error level is under the error
 * distribution this sensor has shown so far.
 *
 * <p>Place in the pipeline: used by {@link CalibrateScoresFunction} (keyed by sensor) after
 * {@code score-windows}; pure Java, the per-sensor {@link State} lives in Flink keyed state.
 *
 * <p>Input, per window: the reconstruction error and the error of the previous window's
 * next-step prediction against the reading that arrived (either may be NaN), plus the window's
 * event time. Output: a {@link Result} with the likelihood, the score written to the record, the
 * alarm decision and whether the sensor is still warming up.
 *
 * <p>Per error stream (reconstruction, prediction):
 *
 * <ol>
 *   <li>the error (optionally log-transformed, {@code ln(e + 1e-6)}) is averaged over the last
 *       {@code averageWindows} windows;
 *   <li>that short average is compared with a long, exponentially weighted mean and variance of
 *       earlier short averages (time constant {@code historyWindows}): the tail probability is
 *       {@code Q(z)}, the standard normal upper tail, of {@code z = (avg - mean) / sd};
 *   <li>then the distribution is updated; after warm-up a value beyond {@code mean ± clip·sd} is
 *       clamped there first, so an anomaly barely moves the distribution. There is no sliding
 *       window, so nothing changes abruptly when an anomaly is old: the score of normal windows
 *       after an anomaly can only be lower, never higher, than without it.
 * </ol>
 *
 * The two tails combine by {@link Combine}; likelihood = 1 − combined tail. The score is the
 * likelihood, or with {@code logScale} a log scale of the tail ({@link #logScore}: 0.5 at
 * likelihood 0.99999 as in Numenta's, but without its cap, so a window with stronger evidence
 * always scores higher and a corpus-wide threshold can still rank extreme windows). Tails are
 * kept as logarithms throughout, so nothing underflows to a tie at 1. For the
 * first {@code warmupWindows} windows of a sensor the score is 0 and nothing is flagged. A window
 * is flagged when its likelihood reaches {@code alarmLikelihood}; with {@code alarmSuppression},
 * no further alarm is raised within that time after an alarm.
 */
public final class AnomalyLikelihood implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Number of error streams: reconstruction and prediction. */
  public static final int STREAMS = 2;

  public static final int RECONSTRUCTION = 0;
  public static final int PREDICTION = 1;

  /** Added to errors before the log transform (normalised squared units). */
  static final double ERROR_FLOOR = 1e-6;

  /** Smallest standard deviation of the log-error distribution: changes below ~5 % are noise. */
  static final double MIN_STD = 0.05;

  /** Decades of tail probability that score 0.5 (likelihood 0.99999, as in Numenta's scale). */
  static final double HALF_SCORE_DECADES = 5.0;

  private final Settings settings;

  public AnomalyLikelihood(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** How the tails of the two error streams combine. */
  public enum Combine {
    /** The more surprising stream decides: tail = min of the two tails. */
    MAX,
    /** Fisher's method: both streams count; tail = q·(1 − ln q) with q the product of tails. */
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
   * @param historyWindows time constant of the long error distribution, in windows
   * @param averageWindows windows in the short moving average of recent errors
   * @param clipSigma after warm-up, values beyond mean ± clipSigma·sd update the distribution as
   *     if they were at that bound
   * @param alarmLikelihood likelihood from which a window is flagged anomalous
   * @param alarmSuppressionMs no further alarm within this time after an alarm; 0 = off
   * @param combine how reconstruction and prediction tails combine
   * @param logScale score on a log scale of the tail ({@link #logScore}) instead of the
   *     likelihood itself
   * @param logErrors judge {@code ln(error)} rather than the error; off by default, as raw errors
   *     separated NAB's anomalies better in our evaluation
   */
  public record Settings(
      int warmupWindows,
      int historyWindows,
      int averageWindows,
      double clipSigma,
      double alarmLikelihood,
      long alarmSuppressionMs,
      Combine combine,
      boolean logScale,
      boolean logErrors)
      implements Serializable {

    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the job's defaults; {@link #build()} checks every value. */
    public static final class Builder {
      private int warmupWindows = 100;
      private int historyWindows = 8640;
      private int averageWindows = 3;
      private double clipSigma = 5.0;
      private double alarmLikelihood = 0.9999;
      private Duration alarmSuppression = Duration.ZERO;
      private Combine combine = Combine.MAX;
      private boolean logScale = true;
      private boolean logErrors = false;

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

      public Builder clipSigma(double value) {
        this.clipSigma = value;
        return this;
      }

      public Builder alarmLikelihood(double value) {
        this.alarmLikelihood = value;
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

      public Builder logScale(boolean value) {
        this.logScale = value;
        return this;
      }

      public Builder logErrors(boolean value) {
        this.logErrors = value;
        return this;
      }

      public Settings build() {
        check(warmupWindows >= 0, "warm-up must be >= 0 windows, was %s", warmupWindows);
        check(historyWindows >= 2, "history must be >= 2 windows, was %s", historyWindows);
        check(averageWindows >= 1, "moving average must be >= 1 window, was %s", averageWindows);
        check(clipSigma > 0, "clip must be > 0 standard deviations, was %s", clipSigma);
        check(
            alarmLikelihood > 0 && alarmLikelihood < 1,
            "alarm likelihood must be in (0, 1), was %s",
            alarmLikelihood);
        check(
            alarmSuppression != null && !alarmSuppression.isNegative(),
            "alarm suppression must not be negative, was %s",
            alarmSuppression);
        check(combine != null, "combination must be set");
        return new Settings(
            warmupWindows,
            historyWindows,
            averageWindows,
            clipSigma,
            alarmLikelihood,
            alarmSuppression.toMillis(),
            combine,
            logScale,
            logErrors);
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
   * indexed by stream ({@link #RECONSTRUCTION}, {@link #PREDICTION}); {@code recent} holds each
   * stream's last {@code averageWindows} log errors as a ring, stream-major.
   */
  public static class State {
    /** Windows seen, scored or not. */
    public long windows;
    /** Per stream: short averages folded into the distribution. */
    public long[] samples;
    public double[] mean;
    public double[] variance;
    public double[] recent;
    /** Per stream: values in the ring (up to averageWindows) and the next slot. */
    public int[] recentCount;
    public int[] recentNext;
    /** Event time of the last raised alarm; {@code Long.MIN_VALUE} when none. */
    public long lastAlarm;

    public State() {}

    /** A fresh state for {@code settings}. */
    public static State create(Settings settings) {
      State s = new State();
      s.samples = new long[STREAMS];
      s.mean = new double[STREAMS];
      s.variance = new double[STREAMS];
      s.recent = new double[STREAMS * settings.averageWindows()];
      s.recentCount = new int[STREAMS];
      s.recentNext = new int[STREAMS];
      s.lastAlarm = Long.MIN_VALUE;
      return s;
    }
  }

  /**
   * The calibration of one window.
   *
   * @param likelihood 1 − combined tail probability, in [0, 1]; 0 while warming up or when no
   *     error could be judged yet
   * @param logTail natural log of the combined tail probability (0 when nothing could be judged)
   * @param score the value for {@code anomalyScore}: the likelihood or its log scale
   * @param anomalous whether the window raises an alarm
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
    boolean warmingUp = state.windows < settings.warmupWindows();
    state.windows++;
    double logTailR = judge(state, RECONSTRUCTION, reconstructionError, warmingUp);
    double logTailP = judge(state, PREDICTION, predictionError, warmingUp);
    if (warmingUp) {
      return new Result(0.0, 0.0, 0.0, false, true);
    }
    double logTail = combine(logTailR, logTailP);
    double likelihood = -Math.expm1(logTail);
    double score = settings.logScale() ? logScore(logTail) : likelihood;
    boolean flagged = logTail <= Math.log1p(-settings.alarmLikelihood());
    boolean anomalous = false;
    if (flagged) {
      boolean suppressed =
          state.lastAlarm != Long.MIN_VALUE
              && eventTime - state.lastAlarm < settings.alarmSuppressionMs();
      if (!suppressed) {
        anomalous = true;
        state.lastAlarm = eventTime;
      }
    }
    return new Result(likelihood, logTail, score, anomalous, false);
  }

  /**
   * The log scale of a tail probability, from its natural log: {@code x / (x + 5)} with {@code x =
   * -log10(tail)}. Like Numenta's log likelihood it is 0.5 at likelihood 0.99999, but it never
   * saturates, so stronger evidence always ranks higher (tail 1e-10 scores 0.67, 1e-50 0.91).
   */
  public static double logScore(double logTail) {
    double x = Math.max(0.0, -logTail / Math.log(10));
    return x / (x + HALF_SCORE_DECADES);
  }

  /** Combines natural-log tails; NaN means the stream had nothing to judge. */
  private double combine(double logTailR, double logTailP) {
    boolean r = !Double.isNaN(logTailR);
    boolean p = !Double.isNaN(logTailP);
    if (r && p) {
      if (settings.combine() == Combine.MAX) {
        return Math.min(logTailR, logTailP);
      }
      double logQ = logTailR + logTailP;
      return Math.min(0.0, logQ + Math.log(1 - logQ));
    }
    return r ? logTailR : p ? logTailP : 0.0;
  }

  /**
   * Adds one error to a stream's short average, returns the tail probability of that average
   * under the distribution so far (NaN when the error or the distribution is not available), then
   * folds the average into the distribution.
   */
  private double judge(State state, int stream, double error, boolean warmingUp) {
    if (Double.isNaN(error) || error < 0) {
      return Double.NaN;
    }
    int k = settings.averageWindows();
    double x = settings.logErrors() ? Math.log(error + ERROR_FLOOR) : error;
    state.recent[stream * k + state.recentNext[stream]] = x;
    state.recentNext[stream] = (state.recentNext[stream] + 1) % k;
    state.recentCount[stream] = Math.min(k, state.recentCount[stream] + 1);
    double sum = 0;
    for (int i = 0; i < state.recentCount[stream]; i++) {
      sum += state.recent[stream * k + i];
    }
    double average = sum / state.recentCount[stream];

    long n = state.samples[stream];
    double mean = state.mean[stream];
    double sd = Math.max(settings.logErrors() ? MIN_STD : MIN_STD * MIN_STD,
        Math.sqrt(state.variance[stream]));
    double logTail = n >= 2 ? logUpperTail((average - mean) / sd) : Double.NaN;

    double value = average;
    if (!warmingUp && n >= 2) {
      double bound = settings.clipSigma() * sd;
      value = Math.max(mean - bound, Math.min(mean + bound, average));
    }
    double alpha = Math.max(1.0 / (n + 1), 1.0 / settings.historyWindows());
    double delta = value - mean;
    state.mean[stream] = mean + alpha * delta;
    state.variance[stream] = (1 - alpha) * (state.variance[stream] + alpha * delta * delta);
    state.samples[stream] = n + 1;
    return logTail;
  }

  /**
   * {@code ln Q(z)}, exact through {@link #upperTail} up to z = 5 and by the asymptotic series
   * beyond, where Q itself would underflow: tails of 1e-300 and 1e-3000 still differ.
   */
  public static double logUpperTail(double z) {
    if (z < 5) {
      return Math.log(upperTail(z));
    }
    double z2 = z * z;
    return -z2 / 2 - Math.log(z) - 0.5 * Math.log(2 * Math.PI)
        + Math.log1p(-1 / z2 + 3 / (z2 * z2));
  }

  /** Standard normal upper tail {@code Q(z) = erfc(z / √2) / 2}. */
  public static double upperTail(double z) {
    return 0.5 * erfc(z / Math.sqrt(2));
  }

  /** Coefficients of {@link #erfc}, highest power of t first. */
  private static final double[] ERFC =
      {0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418,
        0.37409196, 1.00002368, -1.26551223};

  /** Complementary error function, relative error below 1.2e-7 (Numerical Recipes' erfcc). */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1.0 / (1.0 + 0.5 * z);
    double poly = 0;
    for (double c : ERFC) {
      poly = poly * t + c;
    }
    double r = t * Math.exp(-z * z + poly);
    return x >= 0 ? r : 2.0 - r;
  }
}
