package io.streamae.cli;

import io.streamae.job.ConfigLoader;
import io.streamae.job.JobConfig;
import io.streamae.model.io.HistoryData;
import io.streamae.model.io.HistoryReader;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.io.UnusableInputException;
import io.streamae.scoring.HistoryScorer;
import io.streamae.sink.RecordJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code score}: a history file through a bundle, offline, to result JSON lines. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Scores a history file with a bundle, offline, as the job would.",
      "",
      "Offline, without Flink, and with the job's own calibration: one result JSON line per window"
          + " in the job's output format, where anomalyScore and anomalous are the per-sensor"
          + " anomaly likelihood (after scoring.warmup-windows windows per sensor) exactly as in"
          + " run and on the cluster; the bundle's raw-error threshold stays in the threshold field.",
      "The scoring.* and window.slide job options apply, from --config or as --key value.",
      "Exit code 0: done; 1: nothing to score (empty file, no usable row, shorter than a window);"
          + " 2: a mistake in the command line or its files.",
      ""
    })
final class ScoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "BUNDLE",
      description = "Model bundle (.sae) to score with. Required.")
  Path model;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description =
          "History file: CSV with a header, or JSON lines of readings; rows in any order."
              + " Required.")
  Path input;

  @Option(
      names = "--output",
      defaultValue = "results.jsonl",
      paramLabel = "FILE",
      description = "Where the result JSON lines go. Default: ${DEFAULT-VALUE}.")
  Path output;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML job file whose scoring.* and window.slide options apply. Default: none.")
  Path config;

  @Option(
      names = "--timestamp-column",
      paramLabel = "NAME",
      description = "CSV time column. Default: timestamp, ts or time, whichever is present.")
  String timestampColumn;

  @Option(
      names = "--sensor-column",
      paramLabel = "NAME",
      description = "CSV sensor id column. Default: sensorId if present, else one sensor.")
  String sensorColumn;

  @Option(
      names = "--separator",
      defaultValue = ",",
      paramLabel = "CHAR",
      description = "CSV separator. Default: '${DEFAULT-VALUE}'.")
  char separator;

  @Unmatched List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> names = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      names.addAll(List.of(o.names()));
    }
    Configuration conf = ConfigLoader.load(config, overrides, names);
    JobConfig job = JobConfig.from(conf);
    ModelBundle bundle = ModelBundle.read(model);
    List<String> features = bundle.layout().featureNames();
    HistoryData history =
        new HistoryReader(timestampColumn, sensorColumn, features, separator).read(input);
    history.badRowReport(input.toString(), 10).forEach(System.out::println);
    history.requireWindow(input.toString(), bundle.layout().timesteps());
    Map<String, long[]> perSensor =
        new TreeMap<>(); // windows, anomalous, warming up, above threshold
    long scored;
    if (Files.isDirectory(output)) {
      throw new IllegalArgumentException(
          String.format("output file %s is a directory, not a file", output));
    }
    if (output.toAbsolutePath().getParent() != null) {
      Files.createDirectories(output.toAbsolutePath().getParent());
    }
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      scored =
          HistoryScorer.score(
              bundle,
              history,
              job.scoring(),
              job.windowSlide(),
              r -> {
                long[] s = perSensor.computeIfAbsent(r.sensorId(), k -> new long[4]);
                s[0]++;
                s[1] += r.anomalous() ? 1 : 0;
                s[2] += r.warmingUp() ? 1 : 0;
                s[3] += r.reconstructionError() > r.threshold() ? 1 : 0;
                try {
                  out.write(RecordJson.result(r));
                  out.newLine();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    if (scored == 0) {
      throw new UnusableInputException(String.format("no window scored from %s", input));
    }
    System.out.printf(
        Locale.ROOT,
        "model %s: %,d windows scored from %s (%,d bad rows) → %s%n",
        bundle.versionLabel(),
        scored,
        input,
        history.badRowCount(),
        output);
    System.out.printf(
        Locale.ROOT,
        "  %-20s %9s %10s %11s %16s%n",
        "sensor",
        "windows",
        "anomalous",
        "warming up",
        "above threshold");
    perSensor.forEach(
        (sensor, s) ->
            System.out.printf(
                Locale.ROOT, "  %-20s %,9d %,10d %,11d %,16d%n", sensor, s[0], s[1], s[2], s[3]));
    System.out.printf(
        Locale.ROOT,
        "anomalous: per-sensor likelihood >= %s after %d warm-up windows; threshold %.5f: the"
            + " bundle's raw-error threshold%n",
        job.scoring().alarmLikelihood(),
        job.scoring().warmupWindows(),
        bundle.threshold());
    return 0;
  }
}
