package io.streamae.scoring;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.inference.BatchInference;
import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.tensor.Normalizer;
import io.streamae.tensor.TensorLayout;
import io.streamae.tensor.WindowTensorizer;
import io.streamae.window.SensorWindow;

/**
 * Scores windows of one sensor with a loaded model bundle: tensor, forward pass, errors,
 * predictions in original units, the previous prediction checked against what arrived, and the
 * anomaly decision against the calibrated threshold. Pure Java; {@code ScoreWindowsFunction}
 * keeps the per-sensor {@link Previous} in Flink state.
 *
 * <p>The score set here maps the error {@code e} against the bundle threshold {@code θ} to [0, 1]
 * as {@code e / (e + θ)} (0.5 exactly at the threshold) and {@code anomalous} is {@code e > θ}.
 * In the job both are provisional: {@link CalibrateScoresFunction} replaces them with the
 * sensor's calibrated anomaly likelihood ({@link AnomalyLikelihood}).
 */
public final class AnomalyScorer {
  public static final String SHAPE_MISMATCH = "SHAPE_MISMATCH";

  private final ModelBundle bundle;
  private final AutoencoderSpec spec;
  private final TensorLayout layout;
  private final Normalizer normalizer;
  private final WindowTensorizer tensorizer;
  private final BatchInference inference;
  private final String[] featureNames;
  private final double threshold;
  private final String version;

  /** The previous window's prediction, normalised, and the event times it is for. */
  public record Previous(long[] timestamps, float[] values) {}

  /** A scored window plus the prediction to remember for the next one. */
  public record Scored(AnomalyRecord record, Previous next) {}

  public AnomalyScorer(ModelBundle bundle) {
    this.bundle = bundle;
    this.spec = bundle.metadata().architecture();
    this.layout = bundle.layout();
    this.normalizer = bundle.normalizer();
    this.tensorizer = new WindowTensorizer(layout, normalizer, 1);
    this.inference = new BatchInference(bundle.network(), 1);
    this.featureNames = layout.featureNames().toArray(String[]::new);
    this.threshold = bundle.threshold();
    this.version = bundle.versionLabel();
  }

  public ModelBundle bundle() {
    return bundle;
  }

  public Scored score(SensorWindow window, Previous previous) {
    int steps = spec.timesteps();
    int features = spec.features();
    if (window.timesteps() != steps || window.values().length != steps * features) {
      String status =
          String.format(
              "%s: window [%s, %s], model [%s, %s]",
              SHAPE_MISMATCH, window.timesteps(), window.features(), steps, features);
      return new Scored(failed(window, status), previous);
    }
    tensorizer.clear();
    tensorizer.add(window.values());
    float[] normalised = tensorizer.batch();
    inference.run(normalised, 1);

    double predictionError = previousError(previous, window, normalised);
    double error;
    float[] featureErrors;
    float[] attribution;
    if (spec.mode().reconstructs()) {
      error = inference.windowErrors()[0];
      featureErrors = java.util.Arrays.copyOf(inference.featureErrors(), features);
      attribution = shares(featureErrors);
    } else {
      error = predictionError;
      featureErrors = new float[features];
      attribution = new float[features];
    }

    int horizon = spec.predictedSteps();
    float[] predictions = new float[horizon * features];
    long[] predictionTimes = new long[horizon];
    long step = steps > 1 ? window.timestamps()[steps - 1] - window.timestamps()[steps - 2] : 0;
    float[] raw = inference.prediction();
    for (int p = 0; p < horizon; p++) {
      predictionTimes[p] = window.end() + (p + 1) * step;
      for (int f = 0; f < features; f++) {
        predictions[p * features + f] = normalizer.denormalize(raw[p * features + f], f);
      }
    }
    Previous next =
        horizon > 0 && step > 0
            ? new Previous(predictionTimes, java.util.Arrays.copyOf(raw, horizon * features))
            : null;

    boolean scored = !Double.isNaN(error);
    double score = scored ? error / (error + threshold) : 0.0;
    AnomalyRecord record =
        new AnomalyRecord(
            window.sensorId(),
            window.start(),
            window.end(),
            spec.mode().reconstructs() ? error : Double.NaN,
            featureNames,
            featureErrors,
            attribution,
            predictions,
            predictionTimes,
            predictionError,
            score,
            threshold,
            scored && error > threshold,
            false,
            window.filledValues(),
            version,
            AnomalyRecord.OK);
    return new Scored(record, next);
  }

  /**
   * Mean squared error (normalised) of the previous prediction at the steps this window now holds
   * real readings for; NaN when no predicted step is in the window.
   */
  private double previousError(Previous previous, SensorWindow window, float[] normalised) {
    if (previous == null) {
      return Double.NaN;
    }
    int features = spec.features();
    long[] ts = window.timestamps();
    double sum = 0;
    int matched = 0;
    for (int p = 0; p < previous.timestamps().length; p++) {
      int t = java.util.Arrays.binarySearch(ts, previous.timestamps()[p]);
      if (t < 0) {
        continue;
      }
      for (int f = 0; f < features; f++) {
        double d = previous.values()[p * features + f] - normalised[t * features + f];
        sum += d * d;
      }
      matched++;
    }
    return matched == 0 ? Double.NaN : sum / (matched * features);
  }

  private static float[] shares(float[] errors) {
    double total = 0;
    for (float e : errors) {
      total += e;
    }
    float[] out = new float[errors.length];
    for (int i = 0; i < errors.length; i++) {
      out[i] = total > 0 ? (float) (errors[i] / total) : 0f;
    }
    return out;
  }

  private AnomalyRecord failed(SensorWindow window, String status) {
    return new AnomalyRecord(
        window.sensorId(),
        window.start(),
        window.end(),
        Double.NaN,
        featureNames,
        new float[0],
        new float[0],
        new float[0],
        new long[0],
        Double.NaN,
        0.0,
        threshold,
        false,
        false,
        window.filledValues(),
        version,
        status);
  }
}
