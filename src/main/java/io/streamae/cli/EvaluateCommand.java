package io.streamae.cli;

import io.streamae.evaluation.EvaluationReport;
import io.streamae.evaluation.EvaluationSeries;
import io.streamae.evaluation.NabEvaluation;
import io.streamae.job.ConfigLoader;
import io.streamae.model.definition.ModelMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code evaluate}: train per series, stream through the job, write NAB results and score. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluates detection on labelled series with NAB's scoring.",
      "",
      "Series are in NAB's layout (DIR/<category>/<file>.csv). Per series, trains on the first"
          + " rows only, streams every row through the scoring job, writes"
          + " OUT/NAME/<category>/NAME_<file>.csv and prints NAB's three profile scores.",
      "Job options are given as --key value, e.g. --scoring.alarm-likelihood 0.999; a key that"
          + " is neither StreamAE's nor Flink's is refused.",
      ""
    })
final class EvaluateCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, description = "directory of CSV series, NAB's layout (required)")
  Path data;

  @Option(names = "--labels", description = "NAB label windows JSON (e.g. combined_windows.json) (default: per-row --label-column)")
  Path labels;

  @Option(names = "--out", defaultValue = "results",
      description = "results directory (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--detector", defaultValue = "streamae",
      description = "detector name: results directory and file prefix (default ${DEFAULT-VALUE})")
  String detector;

  @Option(names = "--train-fraction", defaultValue = "0.15",
      description = "train on this fraction of each series (default ${DEFAULT-VALUE})")
  double trainFraction;

  @Option(names = "--train-max-rows", defaultValue = "750",
      description = "cap on --train-fraction rows; 750 = NAB's probationary cap, so no model"
          + " trains on rows NAB scores (default ${DEFAULT-VALUE})")
  int trainMaxRows;

  @Option(names = "--train-rows", defaultValue = "0",
      description = "train on exactly this many first rows instead (default: fraction)")
  int trainRows;

  @Option(names = "--timesteps", description = "window length T (default 32)")
  Integer timesteps;

  @Option(names = "--hidden", split = ",", description = "LSTM hidden sizes (default 32)")
  List<Integer> hidden;

  @Option(names = "--epochs", description = "training epochs per series (default 10)")
  Integer epochs;

  @Option(names = "--batch-size", description = "training batch size (default 64)")
  Integer batchSize;

  @Option(names = "--learning-rate", description = "Adam learning rate (default 0.005)")
  Double learningRate;

  @Option(names = "--mode",
      description = "reconstruction, prediction or composite (default composite)")
  String mode;

  @Option(names = "--seed", defaultValue = "42", description = "random seed of training (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--warmup-rows", defaultValue = "-1",
      description = "rows per series before scores are live (default: training rows + 100)")
  int warmupRows;

  @Option(names = "--parallel", defaultValue = "2",
      description = "series evaluated at once, one ND4J thread each (default ${DEFAULT-VALUE})")
  int parallel;

  @Option(names = "--separator", defaultValue = ",",
      description = "CSV separator of multi-column files (default '${DEFAULT-VALUE}')")
  char separator;

  @Option(names = "--timestamp-column", defaultValue = "timestamp",
      description = "time column of multi-column files (default ${DEFAULT-VALUE})")
  String timestampColumn;

  @Option(names = "--label-column",
      description = "per-row 0/1 label column of multi-column files; never given to the model (default: none)")
  String labelColumn;

  @Unmatched List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> names = new ArrayList<>();
    for (picocli.CommandLine.Model.OptionSpec o : spec.options()) {
      names.addAll(List.of(o.names()));
    }
    Configuration job = ConfigLoader.load(null, overrides, names);
    io.streamae.model.io.InputFiles.requireDirectory(data, "data directory");
    if (labels != null) {
      io.streamae.model.io.InputFiles.requireFile(labels, "labels file");
    }
    Map<String, String> jobOptions = new LinkedHashMap<>(job.toMap());
    NabEvaluation.Settings.Builder b = NabEvaluation.Settings.builder()
        .detector(detector)
        .trainFraction(trainFraction)
        .trainMaxRows(trainMaxRows)
        .trainRows(trainRows)
        .seed(seed)
        .warmupRows(warmupRows)
        .parallel(parallel)
        .jobOptions(jobOptions)
        .format(new EvaluationSeries.Format(separator, timestampColumn, labelColumn));
    if (timesteps != null) {
      b.timesteps(timesteps);
    }
    if (hidden != null) {
      b.hidden(hidden);
    }
    if (epochs != null) {
      b.epochs(epochs);
    }
    if (batchSize != null) {
      b.batchSize(batchSize);
    }
    if (learningRate != null) {
      b.learningRate(learningRate);
    }
    if (mode != null) {
      b.mode(ModelMode.parse(mode));
    }
    NabEvaluation.Settings settings = b.build();
    System.out.printf("evaluating %s on %s (labels %s): T=%d hidden %s, %d epochs, %d at once%n",
        settings.detector(), data, labels == null ? "from label columns" : labels,
        settings.timesteps(), settings.hidden(), settings.epochs(), settings.parallel());
    EvaluationReport report =
        new NabEvaluation(settings).run(data, labels, out, line -> System.out.println(line));
    System.out.print(report.format());
    System.out.printf("%nresults: %s%n", out.resolve(settings.detector()).toAbsolutePath());
    return 0;
  }
}
