package io.streamae.scoring;

import java.util.Arrays;

/**
 * A sensor's own rhythm as a third error stream beside the model's two: the distance of each
 * reading from the readings one, two and three periods earlier. The model sees one window ({@code
 * window.size} readings); a machine's load cycle or a day is often longer. A step, a drift, a stuck
 * or noisier channel, or a channel running out of phase stays far from what the sensor did a period
 * ago for as long as it lasts, even when the model reconstructs the shifted window well.
 *
 * <p>Period. Each sensor finds its own, feature by feature, so one job serves machines with
 * different cycles and a fast vibration and a slow temperature of one machine each keep theirs: the
 * sensor's first readings (one per window) are collected, and each feature's autocorrelation is
 * searched past its first zero crossing for the highest peak; a peak of at least {@value
 * #MIN_AUTOCORRELATION} gives the period, settled on the neighbouring lag whose readings differ
 * least. The search runs when the sensor's warm-up ends and, while no feature has a period, again
 * at each doubling of the readings, up to twice {@code maxPeriod}; a sensor without a rhythm then
 * stops collecting and keeps nothing. With one, the collected readings are replayed to teach the
 * stream's reference from the warm-up (normal by assumption), and the state keeps the last {@value
 * #PERIODS} longest periods of readings (4 bytes per feature and reading).
 *
 * <p>Error. Per feature, the signed distance of the reading from the median of its readings one,
 * two and three periods back (a fault in one earlier period does not become the reference),
 * averaged over the last {@value #RESIDUAL_WINDOWS} windows: noise cancels, a shift, a drift, a
 * frozen or out-of-phase channel does not, and more noise shows as larger averages too. Each
 * feature's average is divided by its typical size while the sensor learned, so a quiet feature
 * counts as much as a noisy one; the error is the mean over features of those ratios squared. While
 * a sensor's alarm holds its learning, the reading stored for later periods is the reference
 * itself, so a lasting fault does not become its own reference.
 *
 * <p>Pure Java on the fields of {@link AnomalyLikelihood.State}; no Flink.
 */
final class SeasonalReference {
  /** Autocorrelation a peak needs to count as the sensor's period. */
  static final double MIN_AUTOCORRELATION = 0.5;

  /** Periods of readings kept for the reference. */
  static final int PERIODS = 3;

  /** Shortest period searched, in windows. */
  static final int MIN_PERIOD = 4;

  /** Readings the collection buffer starts with. */
  static final int INITIAL_READINGS = 16;

  /** Period state: still collecting readings, or no rhythm found. */
  static final int COLLECTING = 0;

  static final int NONE = -1;

  private SeasonalReference() {}

  /**
   * The seasonal error of {@code values} (NaN when there is no reference yet), then stores the
   * reading — or, when {@code learn} is false, the reference in its place.
   *
   * @param firstSearch readings after which the first period search runs (the warm-up)
   * @param maxPeriod longest period searched, in windows; 0 turns the stream off
   */
  static double update(
      AnomalyLikelihood.State s,
      float[] values,
      boolean learn,
      int firstSearch,
      int maxPeriod,
      java.util.function.DoubleConsumer backfill) {
    if (maxPeriod < MIN_PERIOD || values == null || values.length == 0 || s.seasonPeriod == NONE) {
      return Double.NaN;
    }
    int features = values.length;
    if (s.seasonValues == null || s.seasonFeatures != features) {
      s.seasonFeatures = features;
      s.seasonPeriod = COLLECTING;
      s.seasonPeriods = null;
      s.seasonCount = 0;
      // Grown by doubling as readings arrive: a young sensor holds only what it has seen.
      s.seasonValues = new float[Math.min(2 * maxPeriod, INITIAL_READINGS) * features];
      s.seasonScale = null;
      s.seasonResiduals = null;
      s.seasonResidualCount = 0;
      s.seasonSamples = 0;
    }
    if (s.seasonPeriod == COLLECTING) {
      collect(s, values, firstSearch, maxPeriod, backfill);
      return Double.NaN;
    }
    int capacity = s.seasonValues.length / features;
    float[] reference = reference(s, capacity);
    double error = error(s, values, reference, learn);
    float[] stored = learn ? values : merge(values, reference);
    int slot = (int) (s.seasonCount % capacity);
    System.arraycopy(stored, 0, s.seasonValues, slot * features, features);
    s.seasonCount++;
    return error;
  }

  /** Appends to the collection buffer; searches for periods at the warm-up and each doubling. */
  private static void collect(
      AnomalyLikelihood.State s,
      float[] values,
      int firstSearch,
      int maxPeriod,
      java.util.function.DoubleConsumer backfill) {
    int features = s.seasonFeatures;
    int n = (int) s.seasonCount;
    int limit = 2 * maxPeriod;
    if ((n + 1) * features > s.seasonValues.length) {
      s.seasonValues = Arrays.copyOf(s.seasonValues, Math.min(limit, 2 * (n + 1)) * features);
    }
    System.arraycopy(values, 0, s.seasonValues, n * features, features);
    n++;
    s.seasonCount = n;
    int first = Math.min(Math.max(firstSearch, 2 * MIN_PERIOD), limit);
    boolean doubling = n % first == 0 && Integer.bitCount(n / first) == 1;
    if (n < first || !(doubling || n == limit)) {
      return;
    }
    int[] periods = new int[features];
    int longest = 0;
    for (int f = 0; f < features; f++) {
      periods[f] = findPeriod(s.seasonValues, n, features, f, Math.min(maxPeriod, n / 2));
      longest = Math.max(longest, periods[f]);
    }
    if (longest > 0) {
      s.seasonPeriods = periods;
      replay(s, n, backfill);
      int capacity = PERIODS * longest;
      float[] ring = new float[capacity * features];
      Arrays.fill(ring, Float.NaN);
      for (int i = Math.max(0, n - capacity); i < n; i++) {
        System.arraycopy(s.seasonValues, i * features, ring, (i % capacity) * features, features);
      }
      s.seasonValues = ring;
      s.seasonPeriod = longest;
    } else if (n >= limit) {
      s.seasonPeriod = NONE;
      s.seasonValues = null;
      s.seasonCount = 0;
    }
  }

  /**
   * Feature {@code f}'s period: the lag of the highest autocorrelation peak past the first zero
   * crossing, or 0 when the feature has gaps, no variance, or no peak reaching {@link
   * #MIN_AUTOCORRELATION}. Each feature has its own, so a fast vibration and a slow temperature of
   * one machine are each compared with their own rhythm.
   *
   * @param rows row-major readings, {@code n} rows of {@code features}
   */
  static int findPeriod(float[] rows, int n, int features, int f, int maxLag) {
    if (maxLag < MIN_PERIOD) {
      return 0;
    }
    double mean = 0;
    for (int t = 0; t < n; t++) {
      float v = rows[t * features + f];
      if (Float.isNaN(v)) {
        return 0; // a feature with gaps has no clean autocorrelation
      }
      mean += v;
    }
    mean /= n;
    double[] x = new double[n];
    double variance = 0;
    for (int t = 0; t < n; t++) {
      x[t] = rows[t * features + f] - mean;
      variance += x[t] * x[t];
    }
    if (!(variance > 0)) {
      return 0;
    }
    double[] acf = new double[maxLag + 1];
    for (int lag = 1; lag <= maxLag; lag++) {
      double sum = 0;
      for (int t = 0; t + lag < n; t++) {
        sum += x[t] * x[t + lag];
      }
      acf[lag] = sum / variance;
    }
    int lag = 1;
    while (lag <= maxLag && acf[lag] > 0) {
      lag++;
    }
    int best = 0;
    double bestValue = MIN_AUTOCORRELATION;
    for (; lag <= maxLag; lag++) {
      if (lag >= MIN_PERIOD && acf[lag] >= bestValue) {
        best = lag;
        bestValue = acf[lag];
      }
    }
    // Neighbouring lags correlate almost equally, and the estimate above favours shorter ones:
    // settle on the neighbour whose readings differ least from those one lag earlier, which is
    // what the reference will use.
    int settled = best;
    double settledValue = Double.POSITIVE_INFINITY;
    for (int l = Math.max(MIN_PERIOD, best - 2); best > 0 && l <= Math.min(maxLag, best + 2); l++) {
      double sum = 0;
      for (int t = l; t < n; t++) {
        double d = x[t] - x[t - l];
        sum += d * d;
      }
      double value = sum / (n - l);
      if (value < settledValue) {
        settled = l;
        settledValue = value;
      }
    }
    return settled;
  }

  /**
   * Scores the collected readings against their own earlier periods, in order, and hands each error
   * to {@code backfill}: the stream's reference then starts from the sensor's first readings (its
   * warm-up, normal by assumption) rather than from whatever follows.
   */
  private static void replay(
      AnomalyLikelihood.State s, int n, java.util.function.DoubleConsumer backfill) {
    int features = s.seasonFeatures;
    int rows = s.seasonValues.length / features;
    float[] row = new float[features];
    for (int i = 0; i < n; i++) {
      s.seasonCount = i;
      System.arraycopy(s.seasonValues, i * features, row, 0, features);
      double error = error(s, row, reference(s, rows), true);
      if (!Double.isNaN(error)) {
        backfill.accept(error);
      }
    }
    s.seasonCount = n;
  }

  /**
   * Per feature, the median of its readings one to {@link #PERIODS} of its periods back; NaN for a
   * feature without a period or without such readings yet.
   */
  private static float[] reference(AnomalyLikelihood.State s, int capacity) {
    int features = s.seasonFeatures;
    long count = s.seasonCount;
    float[] out = new float[features];
    float[] candidates = new float[PERIODS];
    for (int f = 0; f < features; f++) {
      int period = s.seasonPeriods[f];
      int k = 0;
      for (int b = 1; period > 0 && b <= PERIODS && count - (long) b * period >= 0; b++) {
        float v = s.seasonValues[(int) ((count - (long) b * period) % capacity) * features + f];
        if (!Float.isNaN(v)) {
          candidates[k++] = v;
        }
      }
      out[f] = median(candidates, k);
    }
    return out;
  }

  private static float median(float[] values, int n) {
    if (n == 0) {
      return Float.NaN;
    }
    Arrays.sort(values, 0, n);
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  /** The reading where it has a reference, the reference where the reading is missing. */
  private static float[] merge(float[] values, float[] reference) {
    float[] out = reference.clone();
    for (int f = 0; f < out.length; f++) {
      if (Float.isNaN(out[f])) {
        out[f] = values[f];
      }
    }
    return out;
  }

  /**
   * Mean over features of (m / typical m)², where m is the feature's distance from its reference,
   * signed, averaged over the last {@link #RESIDUAL_WINDOWS} windows, and the typical m its
   * geometric mean while the sensor learned. Averaging signed distances cancels noise but keeps a
   * shift, a drift, a frozen or out-of-phase channel; more noise shows as larger averages too.
   * Learns the typical m when {@code learn}. Features without a reading or a reference are left
   * out; NaN before anything has been learned.
   */
  private static double error(
      AnomalyLikelihood.State s, float[] values, float[] reference, boolean learn) {
    int features = values.length;
    int w = RESIDUAL_WINDOWS;
    if (s.seasonScale == null) {
      s.seasonScale = new double[features];
      s.seasonResiduals = new float[w * features];
      java.util.Arrays.fill(s.seasonResiduals, Float.NaN);
    }
    int slot = (int) (s.seasonResidualCount % w);
    s.seasonResidualCount++;
    double sum = 0;
    int used = 0;
    double[] mean = new double[features];
    for (int f = 0; f < features; f++) {
      s.seasonResiduals[slot * features + f] = values[f] - reference[f]; // NaN without either
      double total = 0;
      int n = 0;
      for (int i = 0; i < w; i++) {
        float r = s.seasonResiduals[i * features + f];
        if (!Float.isNaN(r)) {
          total += r;
          n++;
        }
      }
      mean[f] = n == 0 ? Double.NaN : total / n;
      if (Double.isNaN(mean[f]) || s.seasonSamples == 0) {
        continue;
      }
      double ratio = Math.exp(logSquare(s, f, mean[f], reference[f]) - s.seasonScale[f]);
      sum += ratio;
      used++;
    }
    if (learn) {
      for (int f = 0; f < features; f++) {
        if (!Double.isNaN(mean[f])) {
          double x = logSquare(s, f, mean[f], reference[f]);
          s.seasonScale[f] +=
              (x - s.seasonScale[f]) / Math.min(s.seasonSamples + 1, HISTORY_FOR_SCALE);
        }
      }
      s.seasonSamples++;
    }
    return used == 0 ? Double.NaN : sum / used;
  }

  /**
   * ln(m² + floor²): the typical m is a geometric mean, which a fault's few large m barely move.
   */
  private static double logSquare(AnomalyLikelihood.State s, int f, double m, float reference) {
    double floor = floor(s, f, reference);
    return Math.log(m * m + floor * floor);
  }

  /** Windows over which a feature's signed distance from its reference is averaged. */
  static final int RESIDUAL_WINDOWS = 10;

  /**
   * {@link #FLOOR_SHARE} of the range the feature has shown (the range check's), or a millionth of
   * the reference when no range is known.
   */
  private static double floor(AnomalyLikelihood.State s, int f, float reference) {
    if (s.low != null && s.low.length == s.seasonFeatures && s.high[f] > s.low[f]) {
      return FLOOR_SHARE * ((double) s.high[f] - s.low[f]);
    }
    return 1e-6 * (Math.abs(reference) + 1e-3);
  }

  /** Distances below this share of a feature's range count as none. */
  static final double FLOOR_SHARE = 0.01;

  /** Readings over which the typical distance settles into a moving average. */
  static final int HISTORY_FOR_SCALE = 8640;
}
