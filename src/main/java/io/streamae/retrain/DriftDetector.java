package io.streamae.retrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells when a model no longer fits the sensors it scores: the share of sensors whose recent error
 * median has moved well above the error the model made on its own held-out windows.
 *
 * <p>Input: the raw window errors of one model version (reconstruction error, or prediction error
 * for a prediction-only model, in the bundle's normalised units). Output: an {@link Assessment}.
 *
 * <ol>
 *   <li>Per sensor, the last {@code recentWindows} errors (a ring of floats).
 *   <li>A sensor has drifted when the median of a full ring exceeds {@code factor} times the
 *       reference, the median validation error the bundle carries ({@code
 *       calibration.validation.p50}). The median ignores a short fault; a drift lasts.
 *   <li>The model drifts when at least {@code share} of the sensors with a full ring (and at least
 *       one) have drifted.
 * </ol>
 *
 * The calibrated likelihood is no guide here: it relearns a lasting new level (after {@code
 * scoring.relearn-after}) and stops alarming although the model fits the sensor no better; the raw
 * error against the model's own validation error does not adapt. At most {@code maxSensors} sensors
 * are followed (least recently seen forgotten first): memory is {@code maxSensors × recentWindows}
 * floats.
 */
public final class DriftDetector {
  private final int recentWindows;
  private final double factor;
  private final double share;
  private final int maxSensors;
  private double reference;
  private final LinkedHashMap<String, Ring> sensors;

  private static final class Ring {
    final float[] errors;
    long count;

    Ring(int n) {
      errors = new float[n];
    }
  }

  /**
   * What the detector sees now.
   *
   * @param judged sensors with a full ring of recent errors
   * @param drifted those whose median exceeds {@code factor × reference}, with their median
   * @param reference the model's median validation error
   */
  public record Assessment(
      int judged, Map<String, Double> drifted, double reference, double share, double factor) {
    /** Share of the judged sensors that drifted; 0 when none is judged. */
    public double driftedShare() {
      return judged == 0 ? 0 : (double) drifted.size() / judged;
    }

    public boolean drifting() {
      return !drifted.isEmpty() && driftedShare() >= share;
    }

    /** The largest median of a drifted sensor as a multiple of the reference. */
    public double worstRatio() {
      return drifted.values().stream().mapToDouble(m -> m / reference).max().orElse(0);
    }
  }

  /**
   * @param reference median validation error of the model version (> 0)
   * @param recentWindows errors per sensor the median is taken over
   * @param factor how far above the reference a median must be for the sensor to have drifted
   * @param share share of judged sensors that must have drifted, in (0, 1]
   */
  public DriftDetector(
      double reference, int recentWindows, double factor, double share, int maxSensors) {
    if (recentWindows < 1 || !(factor > 1) || !(share > 0 && share <= 1) || maxSensors < 1) {
      throw new IllegalArgumentException(
          String.format(
              "recent windows (%s) and max sensors (%s) must be >= 1, factor (%s) > 1, share (%s)"
                  + " in (0, 1]",
              recentWindows, maxSensors, factor, share));
    }
    this.recentWindows = recentWindows;
    this.factor = factor;
    this.share = share;
    this.maxSensors = maxSensors;
    this.sensors =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Ring> eldest) {
            return size() > DriftDetector.this.maxSensors;
          }
        };
    reset(reference);
  }

  /** Starts afresh for a new model version with its own reference error. */
  public void reset(double newReference) {
    if (!(newReference > 0) || Double.isInfinite(newReference)) {
      throw new IllegalArgumentException(
          String.format("reference error must be > 0, was %s", newReference));
    }
    this.reference = newReference;
    sensors.clear();
  }

  public double reference() {
    return reference;
  }

  /** One window's error of {@code sensor}; NaN and infinite errors are ignored. */
  public void observe(String sensor, double error) {
    if (!Double.isFinite(error)) {
      return;
    }
    Ring r = sensors.computeIfAbsent(sensor, k -> new Ring(recentWindows));
    r.errors[(int) (r.count++ % recentWindows)] = (float) error;
  }

  public Assessment assess() {
    int judged = 0;
    Map<String, Double> drifted = new LinkedHashMap<>();
    float[] scratch = new float[recentWindows];
    List<String> names = new ArrayList<>(sensors.keySet());
    for (String name : names) {
      Ring r = sensors.get(name);
      if (r.count < recentWindows) {
        continue;
      }
      judged++;
      System.arraycopy(r.errors, 0, scratch, 0, recentWindows);
      Arrays.sort(scratch);
      double median =
          recentWindows % 2 == 1
              ? scratch[recentWindows / 2]
              : (scratch[recentWindows / 2 - 1] + scratch[recentWindows / 2]) / 2.0;
      if (median > factor * reference) {
        drifted.put(name, median);
      }
    }
    return new Assessment(judged, drifted, reference, share, factor);
  }
}
