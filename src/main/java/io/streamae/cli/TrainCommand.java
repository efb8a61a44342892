package io.streamae.cli;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelKind;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.io.HistoryData;
import io.streamae.model.io.HistoryReader;
import io.streamae.model.io.ModelMetadata;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingRunner;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: history file → model bundle + HTML report. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains a model bundle on a history file (CSV or JSON lines).",
      "",
      "The history file is CSV with a header (a timestamp column, an optional sensor column,"
          + " numeric feature columns) or JSON lines of readings, rows in any order; bad rows are"
          + " counted and listed with their line numbers. Beside the bundle goes"
          + " <bundle>.report.html: loss curves, the held-out error histogram with the threshold,"
          + " per-feature errors and an example window.",
      ""
    })
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      description = "History file: CSV with a header, or JSON lines of readings. Required.")
  Path input;

  @Option(
      names = "--output",
      defaultValue = "model/model.sae",
      description = "Model bundle to write. Default: ${DEFAULT-VALUE}.")
  Path output;

  @Option(
      names = "--model-id",
      defaultValue = "streamae",
      description = "Model id, shown on every result. Default: ${DEFAULT-VALUE}.")
  String modelId;

  @Option(
      names = "--model-version",
      description = "Model version, shown on every result. Default: the UTC time of training.")
  String modelVersion;

  @Option(
      names = "--kind",
      defaultValue = "lstm",
      description = "Network kind: lstm or dense. Default: ${DEFAULT-VALUE}.")
  String kind;

  @Option(
      names = "--mode",
      defaultValue = "composite",
      description =
          "Heads: reconstruction, prediction or composite (both). Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(
      names = "--timesteps",
      defaultValue = "32",
      description =
          "Window length T in readings; the job's window.size. Default: ${DEFAULT-VALUE}.")
  int timesteps;

  @Option(
      names = "--horizon",
      defaultValue = "1",
      description = "Readings the prediction head forecasts. Default: ${DEFAULT-VALUE}.")
  int horizon;

  @Option(
      names = "--layers",
      defaultValue = "64",
      split = ",",
      description =
          "Hidden sizes of the encoder, e.g. 100 or 128,64 (stacked). Default: ${DEFAULT-VALUE}.")
  List<Integer> layers;

  @Option(
      names = "--activation",
      defaultValue = "tanh",
      description = "Cell activation: relu or tanh. Default: ${DEFAULT-VALUE}.")
  String activation;

  @Option(
      names = "--tied",
      description = "Dense kind only: tie each decoder matrix to its encoder twin. Default: off.")
  boolean tied;

  @Option(
      names = "--epochs",
      defaultValue = "30",
      description =
          "Most training epochs (early stopping may end sooner). Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "64",
      description = "Windows per mini-batch. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--learning-rate",
      defaultValue = "0.001",
      description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
  double learningRate;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description =
          "Random seed: the same seed and data give the same model. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--validation-fraction",
      defaultValue = "0.1",
      description =
          "Fraction of the newest windows held out for validation and the threshold. Default: ${DEFAULT-VALUE}.")
  double validationFraction;

  @Option(
      names = "--patience",
      defaultValue = "5",
      description =
          "Early stopping: epochs without a better validation loss before training stops; 0 = off. Default: ${DEFAULT-VALUE}.")
  int patience;

  @Option(
      names = "--noise",
      defaultValue = "0",
      description =
          "Denoising: Gaussian input noise σ in z-score units. Default: ${DEFAULT-VALUE}.")
  double noise;

  @Option(
      names = "--mask",
      defaultValue = "0",
      description = "Denoising: probability of zeroing an input value. Default: ${DEFAULT-VALUE}.")
  double mask;

  @Option(
      names = "--head-weights",
      defaultValue = "1,1",
      split = ",",
      description =
          "Loss weights of the reconstruction and prediction heads. Default: ${DEFAULT-VALUE}.")
  List<Double> headWeights;

  @Option(
      names = "--threshold-method",
      defaultValue = "percentile",
      description =
          "Threshold on the held-out reconstruction error: percentile or sigma. Default: ${DEFAULT-VALUE}.")
  String thresholdMethod;

  @Option(
      names = "--threshold-param",
      defaultValue = "99.5",
      description = "The percentile, or k of mean + k·σ. Default: ${DEFAULT-VALUE}.")
  double thresholdParam;

  @Option(
      names = "--timestamp-column",
      description = "CSV time column. Default: timestamp, ts or time, whichever is present.")
  String timestampColumn;

  @Option(
      names = "--sensor-column",
      description = "CSV sensor id column. Default: sensorId if present, else one sensor.")
  String sensorColumn;

  @Option(
      names = "--features",
      split = ",",
      description = "Feature columns in model order. Default: every other column.")
  List<String> features;

  @Option(
      names = "--separator",
      defaultValue = ",",
      description = "CSV separator. Default: '${DEFAULT-VALUE}'.")
  char separator;

  @Override
  public Integer call() throws Exception {
    HistoryReader reader = new HistoryReader(timestampColumn, sensorColumn, features, separator);
    HistoryData history = reader.read(input);
    System.out.printf(
        Locale.ROOT,
        "read %s: %,d usable rows, %d sensors, features %s, %,d bad rows%n",
        input,
        history.usableRows(),
        history.series().size(),
        history.featureNames(),
        history.badRowCount());
    history.badRowReport(input.toString(), 10).forEach(System.out::println);
    ModelMode m = ModelMode.parse(mode);
    AutoencoderSpec spec =
        new AutoencoderSpec(
            ModelKind.parse(kind),
            timesteps,
            history.featureNames().size(),
            m.predicts() ? horizon : 0,
            layers,
            CellActivation.parse(activation),
            m,
            tied);
    ProgressBar progress = new ProgressBar(System.err, System.console() != null);
    TrainingOptions options =
        TrainingOptions.builder()
            .epochs(epochs)
            .batchSize(batchSize)
            .learningRate(learningRate)
            .seed(seed)
            .validationFraction(validationFraction)
            .earlyStoppingPatience(patience)
            .inputNoise(noise)
            .maskProbability(mask)
            .headWeights(headWeights.get(0), headWeights.size() > 1 ? headWeights.get(1) : 1.0)
            .listener(progress)
            .build();
    String version =
        modelVersion != null
            ? modelVersion
            : DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .format(ZonedDateTime.now(ZoneOffset.UTC));
    TrainingRunner.Outcome outcome =
        TrainingRunner.trainAndWrite(
            new TrainingRunner.Request(
                history,
                input.getFileName().toString(),
                spec,
                options,
                thresholdMethod,
                thresholdParam,
                modelId,
                version),
            output);
    progress.close();
    ModelMetadata md = outcome.bundle().metadata();
    System.out.printf(
        Locale.ROOT, "model %s:%s written to %s%n", md.modelId(), md.modelVersion(), output);
    ModelMetadata.ErrorSummary held = md.calibration().validation();
    String unit = md.calibration().errorKind() + " error (mean squared, in z-score units)";
    System.out.printf(
        Locale.ROOT,
        "  %s per window over %,d held-out windows: median %.5f, p99 %.5f, max %.5f%n",
        unit,
        held.count(),
        held.p50(),
        held.p99(),
        held.max());
    double[] perFeature = outcome.diagnostics().featureErrors();
    StringBuilder features = new StringBuilder();
    for (int f = 0; f < perFeature.length; f++) {
      features
          .append(f == 0 ? "" : ", ")
          .append(md.featureNames().get(f))
          .append(String.format(Locale.ROOT, " %.5f", perFeature[f]));
    }
    System.out.printf(Locale.ROOT, "  mean held-out error per feature: %s%n", features);
    System.out.printf(
        Locale.ROOT,
        "  threshold %.5f: %s of that error%n",
        md.calibration().threshold(),
        md.calibration().method().equals("percentile")
            ? String.format(Locale.ROOT, "percentile %s", md.calibration().parameter())
            : String.format(Locale.ROOT, "mean + %s σ", md.calibration().parameter()));
    System.out.printf(
        Locale.ROOT,
        "  training: %d epochs (best %d); final loss %.5f training, %.5f validation"
            + " (mean squared error per value, both heads weighted, same units)%n",
        md.training().epochs(),
        md.training().bestEpoch(),
        md.training().finalTrainLoss(),
        md.training().finalValidationLoss());
    System.out.printf(Locale.ROOT, "  report %s%n", TrainingRunner.reportPath(output));
    return 0;
  }
}
