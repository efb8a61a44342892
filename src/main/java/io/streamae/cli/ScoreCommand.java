package io.streamae.cli;

import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.HistoryData;
import io.streamae.model.training.HistoryReader;
import io.streamae.scoring.HistoryScorer;
import io.streamae.sink.RecordJson;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code score}: a history file through a bundle, offline, to result JSON lines. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Scores every sliding window of a history file (CSV or JSON lines) with a model bundle,",
      "offline, and writes one result JSON line per window (the job's output format)."
    })
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "model bundle")
  Path model;

  @Option(names = "--input", required = true, description = "history file: .csv, .jsonl")
  Path input;

  @Option(names = "--output", defaultValue = "results.jsonl", description = "(default ${DEFAULT-VALUE})")
  Path output;

  @Option(names = "--timestamp-column", description = "CSV time column (default: timestamp, ts or time)")
  String timestampColumn;

  @Option(names = "--sensor-column", description = "CSV sensor id column (default: sensorId if present)")
  String sensorColumn;

  @Option(names = "--separator", defaultValue = ",", description = "CSV separator (default '${DEFAULT-VALUE}')")
  char separator;

  @Override
  public Integer call() throws Exception {
    ModelBundle bundle = ModelBundle.read(model);
    List<String> features = bundle.layout().featureNames();
    HistoryData history = new HistoryReader(timestampColumn, sensorColumn, features, separator).read(input);
    Map<String, long[]> perSensor = new TreeMap<>();
    long scored;
    if (output.toAbsolutePath().getParent() != null) {
      Files.createDirectories(output.toAbsolutePath().getParent());
    }
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      scored =
          HistoryScorer.score(
              bundle,
              history,
              r -> {
                long[] s = perSensor.computeIfAbsent(r.sensorId(), k -> new long[2]);
                s[0]++;
                if (r.anomalous()) {
                  s[1]++;
                }
                try {
                  out.write(RecordJson.result(r));
                  out.newLine();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
    System.out.printf(Locale.ROOT, "model %s: %,d windows scored from %s (%,d bad rows) → %s%n",
        bundle.versionLabel(), scored, input, history.badRowCount(), output);
    perSensor.forEach((sensor, s) -> System.out.printf(Locale.ROOT, "  %-20s %,8d windows %,6d anomalous%n", sensor, s[0], s[1]));
    return 0;
  }
}
