package io.streamae.model.training;

import io.streamae.model.io.ModelMetadata.Calibration;
import io.streamae.model.io.ModelMetadata.ErrorSummary;
import java.util.Arrays;
import java.util.Locale;

/**
 * Turns the error distribution of held-out windows into an anomaly threshold: either a percentile
 * of the errors or {@code mean + k·σ}.
 */
public final class ThresholdCalibrator {
  public static final String PERCENTILE = "percentile";
  public static final String SIGMA = "sigma";

  private ThresholdCalibrator() {}

  /**
   * @param method {@link #PERCENTILE} (parameter in (0, 100]) or {@link #SIGMA} (parameter k >= 0)
   */
  public static Calibration calibrate(
      String method, double parameter, String errorKind, double[] errors) {
    if (errors.length == 0) {
      throw new IllegalArgumentException("cannot calibrate a threshold on no windows");
    }
    ErrorSummary summary = summarize(errors);
    String m = method.toLowerCase(Locale.ROOT);
    double threshold;
    switch (m) {
      case PERCENTILE -> {
        if (!(parameter > 0 && parameter <= 100)) {
          throw new IllegalArgumentException(
              String.format("percentile must be in (0, 100], was %s", parameter));
        }
        threshold = Percentiles.ofSorted(sorted(errors), parameter);
      }
      case SIGMA -> {
        if (!(parameter >= 0)) {
          throw new IllegalArgumentException(
              String.format("k of mean + k·σ must be >= 0, was %s", parameter));
        }
        threshold = summary.mean() + parameter * summary.std();
      }
      default ->
          throw new IllegalArgumentException(
              String.format(
                  "unknown calibration method '%s'; expected percentile or sigma", method));
    }
    // A perfect fit on training data would give a zero threshold and flag every window.
    threshold = Math.max(threshold, 1e-9);
    return new Calibration(m, parameter, errorKind, threshold, summary);
  }

  public static ErrorSummary summarize(double[] errors) {
    double[] s = sorted(errors);
    double mean = Arrays.stream(s).average().orElse(0);
    double var = Arrays.stream(s).map(e -> (e - mean) * (e - mean)).sum() / s.length;
    return new ErrorSummary(
        s.length,
        mean,
        Math.sqrt(var),
        Percentiles.ofSorted(s, 50),
        Percentiles.ofSorted(s, 90),
        Percentiles.ofSorted(s, 99),
        s[s.length - 1]);
  }

  private static double[] sorted(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }
}
