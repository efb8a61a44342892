package io.streamae.cli;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelKind;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.io.ModelMetadata;
import io.streamae.model.training.HistoryData;
import io.streamae.model.training.HistoryReader;
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
      "Trains an autoencoder on sensor history (CSV or JSON lines) and writes a model bundle",
      "plus <bundle>.report.html with loss curves and the error histogram."
    })
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "history file: .csv, .jsonl")
  Path input;

  @Option(names = "--output", defaultValue = "model/model.sae", description = "bundle to write (default ${DEFAULT-VALUE})")
  Path output;

  @Option(names = "--model-id", defaultValue = "streamae", description = "model id (default ${DEFAULT-VALUE})")
  String modelId;

  @Option(names = "--model-version", description = "model version (default: UTC time of training)")
  String modelVersion;

  @Option(names = "--kind", defaultValue = "lstm", description = "lstm or dense (default ${DEFAULT-VALUE})")
  String kind;

  @Option(names = "--mode", defaultValue = "composite", description = "reconstruction, prediction or composite (default ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--timesteps", defaultValue = "32", description = "window length T (default ${DEFAULT-VALUE})")
  int timesteps;

  @Option(names = "--horizon", defaultValue = "1", description = "predicted steps P (default ${DEFAULT-VALUE})")
  int horizon;

  @Option(names = "--layers", defaultValue = "64", split = ",", description = "hidden sizes, e.g. 100 or 128,64 (default ${DEFAULT-VALUE})")
  List<Integer> layers;

  @Option(names = "--activation", defaultValue = "tanh", description = "relu or tanh (default ${DEFAULT-VALUE})")
  String activation;

  @Option(names = "--tied", description = "dense kind: tie decoder weights to the encoder's")
  boolean tied;

  @Option(names = "--epochs", defaultValue = "30", description = "(default ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "(default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE})")
  double learningRate;

  @Option(names = "--seed", defaultValue = "42", description = "(default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--validation-fraction", defaultValue = "0.1", description = "newest windows held out (default ${DEFAULT-VALUE})")
  double validationFraction;

  @Option(names = "--patience", defaultValue = "5", description = "early stopping patience in epochs, 0 = off (default ${DEFAULT-VALUE})")
  int patience;

  @Option(names = "--noise", defaultValue = "0", description = "denoising: Gaussian input noise σ in normalised units (default ${DEFAULT-VALUE})")
  double noise;

  @Option(names = "--mask", defaultValue = "0", description = "denoising: probability of zeroing an input value (default ${DEFAULT-VALUE})")
  double mask;

  @Option(names = "--head-weights", defaultValue = "1,1", split = ",", description = "loss weights reconstruction,prediction (default ${DEFAULT-VALUE})")
  List<Double> headWeights;

  @Option(names = "--threshold-method", defaultValue = "percentile", description = "percentile or sigma (default ${DEFAULT-VALUE})")
  String thresholdMethod;

  @Option(names = "--threshold-param", defaultValue = "99.5", description = "percentile, or k of mean + k·σ (default ${DEFAULT-VALUE})")
  double thresholdParam;

  @Option(names = "--timestamp-column", description = "CSV time column (default: timestamp, ts or time)")
  String timestampColumn;

  @Option(names = "--sensor-column", description = "CSV sensor id column (default: sensorId if present)")
  String sensorColumn;

  @Option(names = "--features", split = ",", description = "feature columns in model order (default: all others)")
  List<String> features;

  @Option(names = "--separator", defaultValue = ",", description = "CSV separator (default '${DEFAULT-VALUE}')")
  char separator;

  @Override
  public Integer call() throws Exception {
    HistoryReader reader = new HistoryReader(timestampColumn, sensorColumn, features, separator);
    HistoryData history = reader.read(input);
    System.out.printf(Locale.ROOT, "read %s: %,d usable rows, %d sensors, features %s, %,d bad rows%n",
        input, history.usableRows(), history.series().size(), history.featureNames(), history.badRowCount());
    for (HistoryData.BadRow bad : history.badRows().subList(0, Math.min(10, history.badRows().size()))) {
      System.out.printf(Locale.ROOT, "  line %d: %s%n", bad.line(), bad.reason());
    }
    if (history.badRowCount() > 10) {
      System.out.printf(Locale.ROOT, "  … %,d more bad rows%n", history.badRowCount() - 10);
    }
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
    ProgressBar progress = new ProgressBar(System.err);
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
            : DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC));
    TrainingRunner.Outcome outcome =
        TrainingRunner.trainAndWrite(
            new TrainingRunner.Request(
                history, input.getFileName().toString(), spec, options, thresholdMethod, thresholdParam, modelId, version),
            output);
    progress.done();
    ModelMetadata md = outcome.bundle().metadata();
    System.out.printf(Locale.ROOT, "model %s:%s written to %s%n", md.modelId(), md.modelVersion(), output);
    System.out.printf(Locale.ROOT, "  epochs %d (best %d), loss %.5f, validation %.5f%n",
        md.training().epochs(), md.training().bestEpoch(), md.training().finalTrainLoss(), md.training().finalValidationLoss());
    System.out.printf(Locale.ROOT, "  threshold %.5f (%s %s) over %d held-out windows%n",
        md.calibration().threshold(), md.calibration().method(), md.calibration().parameter(), md.calibration().validation().count());
    System.out.printf(Locale.ROOT, "  report %s%n", TrainingRunner.reportPath(output));
    return 0;
  }
}
