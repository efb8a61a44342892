package io.streamae.scoring;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.inference.BatchInference;
import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.tensor.Normalizer;
import io.streamae.tensor.TensorLayout;
import io.streamae.tensor.WindowTensorizer;
import io.streamae.window.SensorWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores windows with a loaded model bundle: tensor, forward pass, errors, predictions in original
 * units, the previous prediction checked against what arrived, and the anomaly decision against the
 * calibrated threshold. Pure Java; the scoring operator keeps each sensor's {@link Previous} in
 * Flink state and hands windows of many sensors over in one {@link #scoreBatch} call.
 *
 * <p>A batch runs one forward pass for all its windows. Only the comparison with the previous
 * prediction depends on the order of a sensor's windows: it is done window by window in input
 * order, each window of a sensor seeing the prediction of the sensor's window before it in the
 * batch, or the stored one for its first. So a batch gives the records that one call per window
 * would, up to the float rounding of the batched kernels (within 1e-5).
 *
 * <p>The score set here maps the error {@code e} against the bundle threshold {@code θ} to [0, 1]
 * as {@code e / (e + θ)} (0.5 exactly at the threshold) and {@code anomalous} is {@code e > θ}. In
 * the job both are provisional: {@link CalibrateScoresFunction} replaces them with the sensor's
 * calibrated anomaly likelihood ({@link AnomalyLikelihood}).
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
  private final int maxBatch;

  /**
   * The previous window's prediction, normalised, the event times it is for, and the end of the
   * window that made it ({@code Long.MIN_VALUE} when unknown).
   */
  public record Previous(long windowEnd, long[] timestamps, float[] values) {}

  /** A scored window plus the prediction to remember for the next one. */
  public record Scored(AnomalyRecord record, Previous next) {}

  /**
   * The records of a batch, in input order, and each sensor's newest prediction after it (only
   * sensors with a new one): what to store for the next batch.
   */
  public record Batch(List<AnomalyRecord> records, Map<String, Previous> latest) {}

  /** Looks up the stored previous prediction of a sensor, or null. */
  @FunctionalInterface
  public interface PreviousLookup {
    Previous find(String sensorId);
  }

  /** One window per call. */
  public AnomalyScorer(ModelBundle bundle) {
    this(bundle, 1);
  }

  /** Up to {@code maxBatch} windows per {@link #scoreBatch} call. */
  public AnomalyScorer(ModelBundle bundle, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
    }
    this.bundle = bundle;
    this.spec = bundle.metadata().architecture();
    this.layout = bundle.layout();
    this.normalizer = bundle.normalizer();
    this.tensorizer = new WindowTensorizer(layout, normalizer, maxBatch);
    this.inference = new BatchInference(bundle.network(), maxBatch);
    this.featureNames = layout.featureNames().toArray(String[]::new);
    this.threshold = bundle.threshold();
    this.version = bundle.versionLabel();
    this.maxBatch = maxBatch;
  }

  public ModelBundle bundle() {
    return bundle;
  }

  public int maxBatch() {
    return maxBatch;
  }

  /** The forward kernel a full batch runs on. */
  public String kernel() {
    return inference.kernelFor(maxBatch);
  }

  /** Scores one window against its sensor's previous prediction (null: none). */
  public Scored score(SensorWindow window, Previous previous) {
    Batch batch = scoreBatch(List.of(window), sensor -> previous);
    return new Scored(
        batch.records().get(0), batch.latest().getOrDefault(window.sensorId(), previous));
  }

  /**
   * Scores up to {@link #maxBatch} windows, of any sensors, in one forward pass. {@code stored} is
   * asked at most once per sensor, for the prediction stored before this batch.
   */
  public Batch scoreBatch(List<SensorWindow> windows, PreviousLookup stored) {
    if (windows.size() > maxBatch) {
      throw new IllegalArgumentException(
          String.format(
              "batch of %s windows, this scorer takes at most %s", windows.size(), maxBatch));
    }
    int steps = spec.timesteps();
    int features = spec.features();
    int[] sample = new int[windows.size()];
    tensorizer.clear();
    for (int i = 0; i < windows.size(); i++) {
      SensorWindow w = windows.get(i);
      boolean fits = w.timesteps() == steps && w.values().length == steps * features;
      sample[i] = fits ? tensorizer.add(w.values()) : -1;
    }
    if (tensorizer.samples() > 0) {
      inference.run(tensorizer.batch(), tensorizer.samples());
    }

    List<AnomalyRecord> records = new ArrayList<>(windows.size());
    Map<String, Previous> latest = new HashMap<>();
    Map<String, Previous> before = new HashMap<>();
    for (int i = 0; i < windows.size(); i++) {
      SensorWindow w = windows.get(i);
      if (sample[i] < 0) {
        String status =
            String.format(
                "%s: window [%s, %s], model [%s, %s]",
                SHAPE_MISMATCH, w.timesteps(), w.features(), steps, features);
        records.add(failed(w, status));
        continue;
      }
      String sensor = w.sensorId();
      Previous previous;
      if (latest.containsKey(sensor)) {
        previous = latest.get(sensor);
      } else {
        if (!before.containsKey(sensor)) {
          before.put(sensor, stored.find(sensor));
        }
        previous = before.get(sensor);
      }
      Scored scored = assemble(w, sample[i], previous);
      records.add(scored.record());
      if (scored.next() != null) {
        latest.put(sensor, scored.next());
      }
    }
    return new Batch(records, latest);
  }

  /** The record of the window in batch slot {@code s} after the forward pass. */
  private Scored assemble(SensorWindow window, int s, Previous previous) {
    int steps = spec.timesteps();
    int features = spec.features();
    float[] normalised = tensorizer.batch();
    int offset = s * steps * features;
    double predictionError = previousError(previous, window, normalised, offset);
    double error;
    float[] featureErrors;
    float[] attribution;
    if (spec.mode().reconstructs()) {
      error = inference.windowErrors()[s];
      featureErrors =
          Arrays.copyOfRange(inference.featureErrors(), s * features, (s + 1) * features);
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
    int rawOffset = s * horizon * features;
    for (int p = 0; p < horizon; p++) {
      predictionTimes[p] = window.end() + (p + 1) * step;
      for (int f = 0; f < features; f++) {
        predictions[p * features + f] =
            normalizer.denormalize(raw[rawOffset + p * features + f], f);
      }
    }
    Previous next =
        horizon > 0 && step > 0
            ? new Previous(
                window.end(),
                predictionTimes,
                Arrays.copyOfRange(raw, rawOffset, rawOffset + horizon * features))
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
            AnomalyRecord.OK,
            window.releasedByTimeout(),
            Arrays.copyOfRange(window.values(), (steps - 1) * features, steps * features));
    return new Scored(record, next);
  }

  /**
   * Mean squared error (normalised) of the previous prediction against the readings that followed
   * the previous window: its step {@code p} is compared with the {@code p+1}-th reading after the
   * previous window's last reading, whatever its timestamp, so irregular sampling and bridged gaps
   * still judge predictions. NaN when that last reading or the readings after it are not in the
   * window.
   */
  private double previousError(
      Previous previous, SensorWindow window, float[] normalised, int offset) {
    if (previous == null) {
      return Double.NaN;
    }
    int features = spec.features();
    long[] ts = window.timestamps();
    int first = -1;
    if (previous.windowEnd() != Long.MIN_VALUE) {
      // The previous window's last reading must still be here, so the next ones follow it.
      int at = Arrays.binarySearch(ts, previous.windowEnd());
      if (at < 0) {
        return Double.NaN;
      }
      first = at + 1;
    }
    double sum = 0;
    int matched = 0;
    for (int p = 0; p < previous.timestamps().length; p++) {
      int t = first >= 0 ? first + p : Arrays.binarySearch(ts, previous.timestamps()[p]);
      if (t < 0 || t >= ts.length) {
        continue;
      }
      for (int f = 0; f < features; f++) {
        double d = previous.values()[p * features + f] - normalised[offset + t * features + f];
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
        status,
        window.releasedByTimeout(),
        new float[0]);
  }
}
