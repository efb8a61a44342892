package io.streamae.tensor;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-feature z-score normalisation with statistics fitted on training data and stored in the model
 * bundle, so scoring uses exactly the scale the model was trained on.
 *
 * @param mean per-feature mean, in feature order
 * @param std per-feature standard deviation (a constant feature gets 1, so it maps to 0)
 */
public record Normalizer(double[] mean, double[] std) implements Serializable {
  private static final double MIN_STD = 1e-9;

  public Normalizer {
    if (mean.length != std.length) {
      throw new IllegalArgumentException(
          String.format("normalisation has %s means but %s deviations", mean.length, std.length));
    }
    for (int f = 0; f < std.length; f++) {
      if (!(std[f] > 0) || !Double.isFinite(std[f]) || !Double.isFinite(mean[f])) {
        throw new IllegalArgumentException(
            String.format(
                "normalisation of feature %s is invalid: mean %s, std %s", f, mean[f], std[f]));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Fits mean and standard deviation per feature over {@code rows} rows of {@code features}. */
  public static Normalizer fit(float[] rows, int count, int features) {
    if (count < 1) {
      throw new IllegalArgumentException("cannot fit normalisation on no rows");
    }
    double[] mean = new double[features];
    double[] m2 = new double[features];
    for (int r = 0; r < count; r++) {
      for (int f = 0; f < features; f++) {
        double x = rows[r * features + f];
        double delta = x - mean[f];
        mean[f] += delta / (r + 1);
        m2[f] += delta * (x - mean[f]);
      }
    }
    double[] std = new double[features];
    for (int f = 0; f < features; f++) {
      double s = Math.sqrt(m2[f] / count);
      std[f] = s < MIN_STD ? 1.0 : s;
    }
    return new Normalizer(mean, std);
  }

  /** Identity normalisation for {@code features} features. */
  public static Normalizer identity(int features) {
    double[] ones = new double[features];
    Arrays.fill(ones, 1.0);
    return new Normalizer(new double[features], ones);
  }

  public int features() {
    return mean.length;
  }

  /** Normalises {@code rows} rows in place. */
  public void normalize(float[] values, int offset, int rows) {
    int features = mean.length;
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < features; f++) {
        int i = offset + r * features + f;
        values[i] = (float) ((values[i] - mean[f]) / std[f]);
      }
    }
  }

  /** Maps one normalised value of feature {@code f} back to original units. */
  public float denormalize(float value, int f) {
    return (float) (value * std[f] + mean[f]);
  }

  /** Converts a squared error in normalised units of feature {@code f} to original units. */
  public double squaredErrorInUnits(double squaredError, int f) {
    return squaredError * std[f] * std[f];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalizer other
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(std, other.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalizer{mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "}";
  }
}
