package io.streamae.cli;

import io.streamae.evaluation.EvaluationReport;
import io.streamae.evaluation.EvaluationSeries;
import io.streamae.evaluation.GeneratedBenchmark;
import io.streamae.evaluation.NabEvaluation;
import io.streamae.evaluation.SeedSpread;
import io.streamae.job.ConfigLoader;
import io.streamae.model.definition.ModelMode;
import io.streamae.source.FaultScenarios;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
      "Evaluates the detector on labelled series in NAB's layout (DIR/<category>/<file>.csv)",
      "or on the generated multivariate benchmark (--source generator). Per series it trains",
      "on the first rows only, streams every row through the scoring job with the job's",
      "defaults, writes OUT/NAME/<category>/NAME_<file>.csv and prints NAB's three profile",
      "scores (NAB data) or row-level F1, false-alarm and missed-alarm rates (label columns).",
      "--seeds runs several training seeds and prints mean and spread.",
      "Job options are given as --key value, e.g. --scoring.alarm-likelihood 0.9999."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--source", defaultValue = "files",
      description = "files: the CSV series below --data; generator: the generated multivariate"
          + " benchmark (FaultScenarios: drift, step, stuck, variance, spikes, decorrelation;"
          + " label column 'label', first quarter of rows for training) (default ${DEFAULT-VALUE})")
  String source;

  @Option(names = "--data", description = "directory of CSV series (--source files)")
  Path data;

  @Option(names = "--machines", defaultValue = "8",
      description = "--source generator: machines (default ${DEFAULT-VALUE})")
  int machines;

  @Option(names = "--steps", defaultValue = "4000",
      description = "--source generator: readings per machine, one a minute"
          + " (default ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--data-seed", defaultValue = "7",
      description = "--source generator: seed of the generated data (default ${DEFAULT-VALUE})")
  long dataSeed;

  @Option(names = "--labels", description = "NAB label windows JSON (e.g. combined_windows.json)")
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

  @Option(names = "--seed", defaultValue = "42",
      description = "training seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--seeds", split = ",",
      description = "several training seeds, e.g. 1,2,3: one evaluation each (results under"
          + " OUT/NAME-seedN), then mean, spread and range of every score")
  List<Long> seeds;

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
      description = "per-row 0/1 label column of multi-column files; never given to the model")
  String labelColumn;

  @Option(names = "--exclude-columns", split = ",",
      description = "columns of multi-column files that are neither time, label nor feature"
          + " (e.g. a second label-like column): never read")
  List<String> excludeColumns;

  @Unmatched List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path dataDir = data;
    Path labelsFile = labels;
    String label = labelColumn;
    int fixedTrainRows = trainRows;
    if ("generator".equals(source)) {
      if (data != null || labels != null) {
        throw new IllegalArgumentException("--source generator makes its own data: drop --data"
            + " and --labels");
      }
      FaultScenarios scenarios = new FaultScenarios(machines, steps, 60_000L, dataSeed);
      dataDir = GeneratedBenchmark.write(scenarios, out.resolve("generated"));
      label = GeneratedBenchmark.LABEL_COLUMN;
      fixedTrainRows = fixedTrainRows > 0 ? fixedTrainRows : scenarios.normalPrefix();
      System.out.printf("generated %d machines x %,d readings with %d faults in %s%n", machines,
          steps, scenarios.faults().size(), dataDir);
    } else if (!"files".equals(source)) {
      throw new IllegalArgumentException(
          String.format("--source (%s) must be files or generator", source));
    } else if (data == null) {
      throw new IllegalArgumentException("--data is required with --source files");
    }
    List<Long> runSeeds = seeds == null || seeds.isEmpty() ? List.of(seed) : seeds;
    List<EvaluationReport> reports = new ArrayList<>();
    for (long s : runSeeds) {
      String name = runSeeds.size() == 1 ? detector : detector + "-seed" + s;
      EvaluationReport report = evaluate(dataDir, labelsFile, label, fixedTrainRows, s, name);
      reports.add(report);
    }
    if (reports.size() > 1) {
      System.out.print(SeedSpread.of(runSeeds, reports).format());
    }
    return 0;
  }

  private EvaluationReport evaluate(Path dataDir, Path labelsFile, String label,
      int fixedTrainRows, long seed, String detector) throws Exception {
    Configuration job = ConfigLoader.load(null, overrides);
    Map<String, String> jobOptions = new LinkedHashMap<>(job.toMap());
    NabEvaluation.Settings.Builder b = NabEvaluation.Settings.builder()
        .detector(detector)
        .trainFraction(trainFraction)
        .trainMaxRows(trainMaxRows)
        .trainRows(fixedTrainRows)
        .seed(seed)
        .warmupRows(warmupRows)
        .parallel(parallel)
        .jobOptions(jobOptions)
        .format(new EvaluationSeries.Format(separator, timestampColumn, label,
            excludeColumns == null ? Set.of() : Set.copyOf(excludeColumns)));
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
    System.out.printf(
        "evaluating %s on %s (labels %s): T=%d hidden %s, %d epochs, seed %d, %d at once%n",
        settings.detector(), dataDir, labelsFile == null ? "from label columns" : labelsFile,
        settings.timesteps(), settings.hidden(), settings.epochs(), seed, settings.parallel());
    EvaluationReport report = new NabEvaluation(settings)
        .run(dataDir, labelsFile, out, line -> System.out.println(line));
    System.out.print(report.format());
    System.out.printf("%nresults: %s%n", out.resolve(settings.detector()).toAbsolutePath());
    return report;
  }
}
