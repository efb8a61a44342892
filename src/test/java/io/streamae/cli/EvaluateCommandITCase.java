package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code evaluate} command end to end on tiny generated corpora: a NAB-layout corpus of two
 * series with label windows, and a multi-column corpus with a per-row label column. Each series
 * trains a small model and streams through the real job graph on a local Flink environment.
 */
class EvaluateCommandITCase {
  private static final DateTimeFormatter NAB_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  private static final LocalDateTime START = LocalDateTime.of(2014, 4, 1, 0, 0);
  private static final int ROWS = 400;
  private static final int SPIKE_FROM = 300;
  private static final int SPIKE_TO = 306;

  @TempDir Path dir;

  /** A daily-like sine every 5 minutes with noise, and a burst at rows SPIKE_FROM..SPIKE_TO. */
  private static double value(int series, int row, Random random) {
    double v = 50 + 10 * Math.sin(2 * Math.PI * row / 48.0 + series) + random.nextGaussian() * 0.3;
    return row >= SPIKE_FROM && row < SPIKE_TO ? v + 40 : v;
  }

  private static String time(int row) {
    return START.plusMinutes(5L * row).format(NAB_TIME);
  }

  private void writeNabCorpus(Path data) throws IOException {
    List<String> keys = List.of("artificialA/first.csv", "realB/second.csv");
    for (int s = 0; s < keys.size(); s++) {
      Random random = new Random(100 + s);
      StringBuilder csv = new StringBuilder("timestamp,value\n");
      for (int i = 0; i < ROWS; i++) {
        csv.append(time(i))
            .append(',')
            .append(String.format(Locale.ROOT, "%.4f", value(s, i, random)))
            .append('\n');
      }
      Path file = data.resolve(keys.get(s));
      Files.createDirectories(file.getParent());
      Files.writeString(file, csv);
    }
    String window =
        String.format(
            "[[\"%s.000000\", \"%s.000000\"]]", time(SPIKE_FROM - 10), time(SPIKE_TO + 20));
    Files.writeString(
        dir.resolve("labels.json"),
        String.format("{\"artificialA/first.csv\": %s, \"realB/second.csv\": %s}", window, window));
  }

  private record Run(int exitCode, String out) {}

  private static Run evaluate(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = StreamAeMain.execute(args);
    } finally {
      System.setOut(original);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);
    original.print(out);
    return new Run(code, out);
  }

  private static final String[] SMALL_MODEL = {
    "--timesteps",
    "8",
    "--hidden",
    "8",
    "--epochs",
    "3",
    "--train-rows",
    "150",
    "--scoring.average-windows",
    "2",
    "--parallel",
    "2"
  };

  private static String[] args(String[] first, String... more) {
    String[] all = new String[first.length + SMALL_MODEL.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(SMALL_MODEL, 0, all, first.length, SMALL_MODEL.length);
    System.arraycopy(more, 0, all, first.length + SMALL_MODEL.length, more.length);
    return all;
  }

  @Test
  void writesOneResultRowPerInputRowAndPrintsTheNabSummary() throws IOException {
    Path data = dir.resolve("data");
    writeNabCorpus(data);
    Path out = dir.resolve("results");

    Run run =
        evaluate(
            args(
                new String[] {
                  "evaluate",
                  "--data",
                  data.toString(),
                  "--labels",
                  dir.resolve("labels.json").toString(),
                  "--out",
                  out.toString(),
                  "--detector",
                  "tiny"
                }));

    assertThat(run.exitCode()).isZero();
    for (String result : List.of("artificialA/tiny_first.csv", "realB/tiny_second.csv")) {
      Path file = out.resolve("tiny").resolve(result);
      List<String> lines = Files.readAllLines(file);
      assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
      assertThat(lines).hasSize(ROWS + 1);
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).split(",");
        assertThat(f[0]).isEqualTo(time(i - 1));
        assertThat(Double.parseDouble(f[2])).isBetween(0.0, 1.0);
        boolean inWindow = i - 1 >= SPIKE_FROM - 10 && i - 1 <= SPIKE_TO + 20;
        assertThat(f[3]).isEqualTo(inWindow ? "1" : "0");
      }
      // Warm-up: the 150 training rows and 100 calibration windows after them score 0.
      assertThat(lines.subList(1, 251)).allSatisfy(l -> assertThat(l).endsWith(",0.0,0"));
      // Live scores: 0 only where the error is below everything the sensor has shown (p = 1).
      long positive =
          lines.subList(251, lines.size()).stream()
              .filter(l -> Double.parseDouble(l.split(",")[2]) > 0)
              .count();
      assertThat(positive).isGreaterThanOrEqualTo((lines.size() - 251) / 2L);
    }
    assertThat(run.out())
        .contains("NAB scores")
        .contains("standard")
        .contains("reward_low_FP_rate")
        .contains("reward_low_FN_rate")
        .contains("artificialA")
        .contains("realB")
        .contains("windows detected")
        .contains("mean lead time");
  }

  @Test
  void multiColumnSeriesWithALabelColumnGetTheirOwnResultsAndRowMetrics() throws IOException {
    Path data = dir.resolve("multi");
    Files.createDirectories(data.resolve("plant"));
    Random random = new Random(7);
    // A changepoint column that marks the fault like a label: excluded, it must not be a feature.
    StringBuilder csv = new StringBuilder("time;temp;current;vibration;changepoint;label\n");
    for (int i = 0; i < ROWS; i++) {
      double phase = 2 * Math.PI * i / 48.0;
      double temp = 60 + 5 * Math.sin(phase) + random.nextGaussian() * 0.2;
      double current = 10 + 2 * Math.cos(phase) + random.nextGaussian() * 0.1;
      double vibration = 1 + 0.1 * Math.sin(2 * phase) + random.nextGaussian() * 0.02;
      boolean fault = i >= SPIKE_FROM && i < SPIKE_TO;
      if (fault) {
        vibration += 3;
      }
      csv.append(
          String.format(
              Locale.ROOT,
              "%d;%.4f;%.4f;%.4f;%d;%d%n",
              1_396_310_400_000L + 300_000L * i,
              temp,
              current,
              vibration,
              i == SPIKE_FROM ? 1 : 0,
              fault ? 1 : 0));
    }
    Files.writeString(data.resolve("plant/line-1.csv"), csv);
    Path out = dir.resolve("multi-results");

    Run run =
        evaluate(
            args(
                new String[] {
                  "evaluate",
                  "--data",
                  data.toString(),
                  "--out",
                  out.toString(),
                  "--detector",
                  "multi",
                  "--separator",
                  ";",
                  "--timestamp-column",
                  "time",
                  "--label-column",
                  "label",
                  "--exclude-columns",
                  "changepoint"
                }));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .as("no NAB score for row labels")
        .doesNotContain("NAB scores")
        .contains("labelled episodes")
        .contains("caught 1 of 1 episodes");
    List<String> lines = Files.readAllLines(out.resolve("multi/plant/multi_line-1.csv"));
    assertThat(lines.get(0)).isEqualTo("timestamp,anomaly_score,anomaly,label");
    assertThat(lines).hasSize(ROWS + 1);
    int alarmsInFault = 0;
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      assertThat(f[0]).isEqualTo(Long.toString(1_396_310_400_000L + 300_000L * (i - 1)));
      assertThat(Double.parseDouble(f[1])).isBetween(0.0, 1.0);
      assertThat(f[2]).isIn("0", "1");
      int row = i - 1;
      assertThat(f[3]).isEqualTo(row >= SPIKE_FROM && row < SPIKE_TO ? "1" : "0");
      if (row >= SPIKE_FROM && row < SPIKE_TO && f[2].equals("1")) {
        alarmsInFault++;
      }
    }
    assertThat(alarmsInFault).as("alarms during the vibration fault").isPositive();
    assertThat(run.out())
        .contains("precision")
        .contains("recall")
        .contains("F1")
        .contains("false-alarm rate")
        .contains("missed-alarm rate");
  }

  @Test
  void severalSeedsPrintMeanAndSpreadAndTheSameSeedsGiveTheSameScores() throws IOException {
    Path data = dir.resolve("data");
    writeNabCorpus(data);
    String[] first = {
      "evaluate",
      "--data",
      data.toString(),
      "--labels",
      dir.resolve("labels.json").toString(),
      "--detector",
      "tiny",
      "--seeds",
      "1,2"
    };
    Run once = evaluate(args(first, "--out", dir.resolve("once").toString()));
    Run again = evaluate(args(first, "--out", dir.resolve("again").toString()));

    assertThat(once.exitCode()).isZero();
    assertThat(once.out())
        .contains("over 2 training seeds [1, 2] (mean ± sd, range):")
        .contains("NAB standard");
    assertThat(dir.resolve("once/tiny-seed1/artificialA/tiny-seed1_first.csv")).exists();
    assertThat(dir.resolve("once/tiny-seed2/artificialA/tiny-seed2_first.csv")).exists();
    String spread = once.out().substring(once.out().indexOf("over 2 training seeds"));
    assertThat(again.out()).contains(spread);
    for (String seed : List.of("tiny-seed1", "tiny-seed2")) {
      String file = seed + "/realB/" + seed + "_second.csv";
      assertThat(Files.readAllLines(dir.resolve("again").resolve(file)))
          .isEqualTo(Files.readAllLines(dir.resolve("once").resolve(file)));
    }
  }
}
