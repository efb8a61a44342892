package io.streamae.model.training;

/**
 * Percentiles of sorted samples, one definition for the whole project: linear interpolation between
 * the closest ranks, as NumPy's default ({@code rank = p/100 · (n − 1)}). Used for the error
 * threshold and summary of a trained model and for the benchmarks' latency percentiles.
 */
public final class Percentiles {
  private Percentiles() {}

  /**
   * @param sorted ascending values
   * @param p percentile, 0 to 100
   * @return the interpolated value, or NaN for no values
   */
  public static double ofSorted(double[] sorted, double p) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    double rank = rank(p, n);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, n - 1);
    return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
  }

  /** As {@link #ofSorted(double[], double)}, for integer samples such as latencies. */
  public static double ofSorted(long[] sorted, double p) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    double rank = rank(p, n);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, n - 1);
    return sorted[lo] + (rank - lo) * (double) (sorted[hi] - sorted[lo]);
  }

  private static double rank(double p, int n) {
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException(String.format("percentile %s is not in [0, 100]", p));
    }
    return p / 100.0 * (n - 1);
  }
}
