package io.streamae.model.training;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.inference.BatchInference;
import io.streamae.model.io.HistoryData;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.io.ModelMetadata;
import io.streamae.tensor.Normalizer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline training from a history file to a model bundle: fit normalisation, cut sliding windows
 * per sensor (never across sensors), train, calibrate the threshold on the held-out windows, write
 * the bundle and an HTML training report next to it.
 */
public final class TrainingRunner {
  private TrainingRunner() {}

  /**
   * What to train and where to put it. {@code windowStride} keeps every n-th training window:
   * neighbouring windows of slide 1 overlap in all but one step, so a stride of 2–4 trains nearly
   * as well in a fraction of the time.
   */
  public record Request(
      HistoryData history,
      String dataSource,
      AutoencoderSpec spec,
      TrainingOptions options,
      String calibrationMethod,
      double calibrationParameter,
      String modelId,
      String modelVersion,
      int windowStride) {

    /** Every window (stride 1). */
    public Request(
        HistoryData history,
        String dataSource,
        AutoencoderSpec spec,
        TrainingOptions options,
        String calibrationMethod,
        double calibrationParameter,
        String modelId,
        String modelVersion) {
      this(
          history,
          dataSource,
          spec,
          options,
          calibrationMethod,
          calibrationParameter,
          modelId,
          modelVersion,
          1);
    }

    public Request {
      if (windowStride < 1) {
        throw new IllegalArgumentException("window stride must be >= 1, was " + windowStride);
      }
    }
  }

  /**
   * The written bundle and its training outcome.
   *
   * @param validationErrors per held-out window, the error the threshold applies to (mean squared,
   *     z-score units)
   * @param diagnostics per-feature errors and an example window, for the report
   */
  public record Outcome(
      ModelBundle bundle,
      TrainingResult training,
      double[] validationErrors,
      Diagnostics diagnostics) {}

  /**
   * What the report shows beyond the curves.
   *
   * @param featureErrors per feature, the mean over held-out windows of its reconstruction error
   *     (mean squared, z-score units; zeros for a prediction-only model)
   * @param example the held-out window of median error, in the features' own units: {@code input}
   *     and {@code reconstruction} are {@code [T·F]} (reconstruction empty without that head),
   *     {@code prediction} and {@code actual} the next {@code P} readings {@code [P·F]}
   */
  public record Diagnostics(double[] featureErrors, Example example) {}

  /**
   * One window with what the model made of it, in original units; {@code error} as the threshold's.
   */
  public record Example(
      int timesteps,
      int horizon,
      float[] input,
      float[] reconstruction,
      float[] prediction,
      float[] actual,
      double error) {}

  public static Outcome train(Request request) {
    HistoryData history = request.history();
    AutoencoderSpec spec = request.spec();
    int features = history.featureNames().size();
    if (features != spec.features()) {
      throw new IllegalArgumentException(
          String.format(
              "history has %s features, the model expects %s", features, spec.features()));
    }
    Normalizer normalizer = fitNormalizer(history);
    TrainingData data =
        windows(
            history, normalizer, spec.timesteps(), spec.predictedSteps(), request.windowStride());
    TrainingResult result = AutoencoderTrainer.train(spec, data, request.options());

    HeldOut held = heldOut(result, data);
    double[] errors = held.errors();
    String kind = spec.mode().reconstructs() ? "reconstruction" : "prediction";
    ModelMetadata.Calibration calibration =
        ThresholdCalibrator.calibrate(
            request.calibrationMethod(), request.calibrationParameter(), kind, errors);

    Map<String, Object> opts = optionsOf(request.options());
    ModelMetadata metadata =
        new ModelMetadata(
            ModelBundle.FORMAT_VERSION,
            request.modelId(),
            request.modelVersion(),
            Instant.now().toString(),
            spec,
            history.featureNames(),
            new ModelMetadata.Normalization(normalizer.mean(), normalizer.std()),
            calibration,
            provenance(
                request.dataSource(),
                history.sha256(),
                history.usableRows(),
                result,
                request.options(),
                opts),
            null);
    Diagnostics diagnostics =
        diagnostics(result, data, held.from(), held.count(), errors, normalizer);
    return new Outcome(ModelBundle.of(metadata, result.network()), result, errors, diagnostics);
  }

  /**
   * A new version of a model trained further from its weights on newer windows (continual
   * retraining).
   *
   * @param parent the bundle in use: its spec, normalisation and calibration method are kept, its
   *     parameters are where training starts
   * @param windows windows in the parent's normalised units, oldest first (the newest {@code
   *     options.validationFraction()} are held out and calibrate the new threshold)
   * @param dataSource what the windows are, for the bundle's provenance
   * @param details more provenance (parent version, what triggered the retrain, …), stored with the
   *     training options in {@code training.options}
   */
  public record FineTuneRequest(
      ModelBundle parent,
      TrainingData windows,
      TrainingOptions options,
      String modelVersion,
      String dataSource,
      Map<String, Object> details) {}

  /** Fine-tunes {@code request.parent()} on the request's windows into a new bundle version. */
  public static Outcome fineTune(FineTuneRequest request) {
    ModelBundle parent = request.parent();
    AutoencoderSpec spec = parent.metadata().architecture();
    TrainingData data = request.windows();
    TrainingResult result =
        AutoencoderTrainer.train(spec, data, request.options(), parent.network().parameters());
    HeldOut held = heldOut(result, data);
    double[] errors = held.errors();
    ModelMetadata.Calibration before = parent.metadata().calibration();
    ModelMetadata.Calibration calibration =
        ThresholdCalibrator.calibrate(
            before.method(), before.parameter(), before.errorKind(), errors);
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("fineTunedFrom", parent.versionLabel());
    opts.putAll(optionsOf(request.options()));
    opts.putAll(request.details());
    Normalizer normalizer = parent.normalizer();
    ModelMetadata metadata =
        new ModelMetadata(
            ModelBundle.FORMAT_VERSION,
            parent.metadata().modelId(),
            request.modelVersion(),
            Instant.now().toString(),
            spec,
            parent.metadata().featureNames(),
            parent.metadata().normalization(),
            calibration,
            provenance(
                request.dataSource(),
                windowsSha256(data),
                data.count(),
                result,
                request.options(),
                opts),
            null);
    Diagnostics diagnostics =
        diagnostics(result, data, held.from(), held.count(), errors, normalizer);
    return new Outcome(ModelBundle.of(metadata, result.network()), result, errors, diagnostics);
  }

  /** The windows the threshold is calibrated on, and their errors. */
  private record HeldOut(int from, int count, double[] errors) {}

  /**
   * The held-out validation windows; without a validation split, the training windows themselves.
   */
  private static HeldOut heldOut(TrainingResult result, TrainingData data) {
    int first = result.trainingWindows();
    int validation = result.validationWindows();
    int from = validation > 0 ? first : 0;
    int count = validation > 0 ? validation : first;
    return new HeldOut(from, count, windowErrors(result, data, from, count));
  }

  /** The training options a bundle records. */
  private static Map<String, Object> optionsOf(TrainingOptions o) {
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("batchSize", o.batchSize());
    opts.put("learningRate", o.optimizer().learningRate());
    opts.put("validationFraction", o.validationFraction());
    opts.put("earlyStoppingPatience", o.earlyStoppingPatience());
    opts.put("reconstructionWeight", o.reconstructionWeight());
    opts.put("predictionWeight", o.predictionWeight());
    opts.put("inputNoise", o.inputNoise());
    opts.put("maskProbability", o.maskProbability());
    return opts;
  }

  private static ModelMetadata.Provenance provenance(
      String dataSource,
      String dataSha256,
      long rows,
      TrainingResult result,
      TrainingOptions o,
      Map<String, Object> opts) {
    return new ModelMetadata.Provenance(
        dataSource,
        dataSha256,
        rows,
        result.trainingWindows(),
        result.validationWindows(),
        result.history().size(),
        result.bestEpoch(),
        result.finalTrainLoss(),
        result.finalValidationLoss(),
        o.seed(),
        opts,
        libraries());
  }

  /** SHA-256 of the windows and futures as little-endian float32: names the exact training data. */
  static String windowsSha256(TrainingData data) {
    java.nio.ByteBuffer bytes =
        java.nio.ByteBuffer.allocate((data.windows().length + data.futures().length) * 4)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(data.windows()).put(data.futures());
    return ModelBundle.sha256(bytes.array());
  }

  /** Trains and writes {@code bundle} plus {@code <bundle>.report.html}. */
  public static Outcome trainAndWrite(Request request, Path bundle) throws IOException {
    Outcome outcome = train(request);
    outcome.bundle().write(bundle);
    TrainingReport.write(outcome, reportPath(bundle));
    return outcome;
  }

  public static Path reportPath(Path bundle) {
    return bundle.resolveSibling(bundle.getFileName() + ".report.html");
  }

  static Normalizer fitNormalizer(HistoryData history) {
    int features = history.featureNames().size();
    int rows = (int) history.usableRows();
    float[] all = new float[rows * features];
    int at = 0;
    for (HistoryData.Series s : history.series().values()) {
      System.arraycopy(s.values(), 0, all, at, s.values().length);
      at += s.values().length;
    }
    return Normalizer.fit(all, rows, features);
  }

  /** Normalised sliding windows of every sensor with enough rows, concatenated. */
  static TrainingData windows(
      HistoryData history, Normalizer normalizer, int timesteps, int horizon, int stride) {
    int features = history.featureNames().size();
    List<TrainingData> parts = new java.util.ArrayList<>();
    for (HistoryData.Series s : history.series().values()) {
      if (s.rows() < timesteps + horizon) {
        continue;
      }
      float[] values = s.values().clone();
      normalizer.normalize(values, 0, s.rows());
      parts.add(
          TrainingData.slidingWindows(values, s.rows(), features, timesteps, horizon)
              .strided(stride));
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(
          String.format(
              "no sensor has the %s rows one window of %s steps plus %s predicted steps needs",
              timesteps + horizon, timesteps, horizon));
    }
    int count = parts.stream().mapToInt(TrainingData::count).sum();
    float[] windows = new float[count * timesteps * features];
    float[] futures = new float[count * horizon * features];
    int w = 0;
    int f = 0;
    for (TrainingData p : parts) {
      System.arraycopy(p.windows(), 0, windows, w, p.windows().length);
      System.arraycopy(p.futures(), 0, futures, f, p.futures().length);
      w += p.windows().length;
      f += p.futures().length;
    }
    return new TrainingData(count, timesteps, features, horizon, windows, futures);
  }

  /** Per-window error the threshold applies to: reconstruction MSE, else prediction MSE. */
  static double[] windowErrors(TrainingResult result, TrainingData data, int from, int count) {
    AutoencoderSpec spec = result.network().spec();
    int batch = 256;
    BatchInference inference = new BatchInference(result.network(), batch);
    int window = spec.timesteps() * spec.features();
    int future = spec.predictedSteps() * spec.features();
    float[] buffer = new float[batch * window];
    double[] errors = new double[count];
    for (int start = 0; start < count; start += batch) {
      int n = Math.min(batch, count - start);
      System.arraycopy(data.windows(), (from + start) * window, buffer, 0, n * window);
      inference.run(buffer, n);
      for (int s = 0; s < n; s++) {
        if (spec.mode().reconstructs()) {
          errors[start + s] = inference.windowErrors()[s];
        } else {
          double sum = 0;
          for (int i = 0; i < future; i++) {
            double d =
                inference.prediction()[s * future + i]
                    - data.futures()[(from + start + s) * future + i];
            sum += d * d;
          }
          errors[start + s] = sum / future;
        }
      }
    }
    return errors;
  }

  /** Mean per-feature errors over the held-out windows and the window of median error. */
  static Diagnostics diagnostics(
      TrainingResult result,
      TrainingData data,
      int from,
      int count,
      double[] errors,
      Normalizer normalizer) {
    AutoencoderSpec spec = result.network().spec();
    int features = spec.features();
    int steps = spec.timesteps();
    int horizon = spec.predictedSteps();
    int window = steps * features;
    int batch = 256;
    BatchInference inference = new BatchInference(result.network(), batch);
    float[] buffer = new float[batch * window];
    double[] featureErrors = new double[features];
    for (int start = 0; start < count; start += batch) {
      int n = Math.min(batch, count - start);
      System.arraycopy(data.windows(), (from + start) * window, buffer, 0, n * window);
      inference.run(buffer, n);
      for (int s = 0; s < n * features; s++) {
        featureErrors[s % features] += inference.featureErrors()[s];
      }
    }
    for (int f = 0; f < features; f++) {
      featureErrors[f] /= Math.max(1, count);
    }
    if (count == 0) {
      return new Diagnostics(featureErrors, null);
    }
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(errors[a], errors[b]));
    int pick = order[count / 2];
    System.arraycopy(data.windows(), (from + pick) * window, buffer, 0, window);
    inference.run(buffer, 1);
    float[] input = denormalize(java.util.Arrays.copyOf(buffer, window), features, normalizer);
    float[] reconstruction =
        spec.mode().reconstructs()
            ? denormalize(
                java.util.Arrays.copyOf(inference.reconstruction(), window), features, normalizer)
            : new float[0];
    float[] prediction =
        denormalize(
            java.util.Arrays.copyOf(inference.prediction(), horizon * features),
            features,
            normalizer);
    float[] actual =
        denormalize(
            java.util.Arrays.copyOfRange(
                data.futures(),
                (from + pick) * horizon * features,
                (from + pick + 1) * horizon * features),
            features,
            normalizer);
    return new Diagnostics(
        featureErrors,
        new Example(steps, horizon, input, reconstruction, prediction, actual, errors[pick]));
  }

  private static float[] denormalize(float[] values, int features, Normalizer normalizer) {
    for (int i = 0; i < values.length; i++) {
      values[i] = normalizer.denormalize(values[i], i % features);
    }
    return values;
  }

  static Map<String, String> libraries() {
    Map<String, String> libs = new LinkedHashMap<>();
    libs.put("java", System.getProperty("java.version"));
    libs.put("nd4j", packageVersion(org.nd4j.linalg.factory.Nd4j.class, "1.0.0-M2.1"));
    libs.put(
        "deeplearning4j",
        packageVersion(org.deeplearning4j.nn.graph.ComputationGraph.class, "1.0.0-M2.1"));
    libs.put("streamae", packageVersion(TrainingRunner.class, "dev"));
    return libs;
  }

  private static String packageVersion(Class<?> type, String fallback) {
    String v = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
    return v == null ? fallback : v;
  }
}
