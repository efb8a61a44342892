package io.streamae.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamae.evaluation.NabResultsFile.Row;
import io.streamae.evaluation.NabScorer.IndexWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading NAB results files {@code timestamp,value,anomaly_score,label}. */
class NabResultsFileTest {
  private static final Path DATA = io.streamae.testkit.SharedData.nab();
  private static final String FLATMIDDLE = "artificialWithAnomaly/art_daily_flatmiddle.csv";
  private static final long T0 = NabSeries.parseEpochMillis("2014-04-01 00:00:00");
  private static final long STEP_MS = 5 * 60_000L;

  @TempDir Path dir;

  private static NabSeries tenRows() {
    long[] timestamps = new long[10];
    double[] values = new double[10];
    for (int i = 0; i < 10; i++) {
      timestamps[i] = T0 + i * STEP_MS;
      values[i] = 20.0 + i * 0.1;
    }
    return new NabSeries("x/ten.csv", timestamps, values);
  }

  @Test
  void writesOneLinePerRowWithLabelsInsideWindowsInclusive() throws IOException {
    NabSeries series = tenRows();
    double[] scores = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0};
    // Window 00:10 .. 00:20 = rows 2..4, both ends inside.
    List<NabLabels.Window> windows =
        List.of(NabLabels.Window.parse("2014-04-01 00:10:00.000000", "2014-04-01 00:20:00.000000"));
    Path file = dir.resolve("results/x/detector_ten.csv");
    NabResultsFile.write(file, series, scores, windows);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(11);
    assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
    assertThat(lines.get(1)).isEqualTo("2014-04-01 00:00:00,20.0,0.0,0");
    assertThat(lines.get(2)).startsWith("2014-04-01 00:05:00,").endsWith(",0.1,0");
    assertThat(lines.get(3)).startsWith("2014-04-01 00:10:00,").endsWith(",1");
    assertThat(lines.get(5)).startsWith("2014-04-01 00:20:00,").endsWith(",1");
    assertThat(lines.get(6)).startsWith("2014-04-01 00:25:00,").endsWith(",0");
    assertThat(lines.get(10)).isEqualTo("2014-04-01 00:45:00,20.9,1.0,0");

    List<Row> rows = NabResultsFile.read(file);
    assertThat(rows).hasSize(10);
    for (int i = 0; i < 10; i++) {
      Row row = rows.get(i);
      assertThat(row.timestampMs()).isEqualTo(series.timestampMs(i));
      assertThat(row.value()).isEqualTo(series.value(i));
      assertThat(row.anomalyScore()).isEqualTo(scores[i]);
      assertThat(row.label()).isEqualTo(i >= 2 && i <= 4 ? 1 : 0);
    }
    NabScorer.Series scorerInput = NabResultsFile.toSeries("x/ten.csv", rows);
    assertThat(scorerInput.windows()).containsExactly(new IndexWindow(2, 4));
    assertThat(scorerInput.anomalyScores()).containsExactly(scores);
  }

  @Test
  void labelRunsBecomeWindowsIncludingOneEndingOnTheLastRow() {
    List<Row> rows =
        List.of(
            new Row(T0, 1, 0, 1),
            new Row(T0 + STEP_MS, 1, 0, 0),
            new Row(T0 + 2 * STEP_MS, 1, 0, 1),
            new Row(T0 + 3 * STEP_MS, 1, 0, 1));
    assertThat(NabResultsFile.toSeries("s", rows).windows())
        .containsExactly(new IndexWindow(0, 0), new IndexWindow(2, 3));
  }

  @Test
  void realSeriesRoundTripsAndScoresLikeTheOriginal() throws IOException {
    NabLabels labels = NabLabels.read(DATA.resolve("labels/combined_windows_subset.json"));
    NabSeries series = NabSeries.read(DATA.resolve("data").resolve(FLATMIDDLE), FLATMIDDLE);
    double[] scores = new double[series.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (i % 97) / 96.0;
    }
    Path file = dir.resolve("flatmiddle.csv");
    NabResultsFile.write(file, series, scores, labels.windows(FLATMIDDLE));
    List<Row> rows = NabResultsFile.read(file);
    assertThat(rows).hasSize(4032);
    // Window 2014-04-10 07:15 .. 2014-04-11 16:45 at 5-minute steps: 33.5 h * 12 + 1 = 403 rows.
    assertThat(rows.stream().filter(r -> r.label() == 1)).hasSize(403);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).value()).isEqualTo(series.value(i));
    }
    NabScorer.Series fromFile = NabResultsFile.toSeries(FLATMIDDLE, rows);
    NabScorer.Series direct = NabScorer.Series.of(series, scores, labels.windows(FLATMIDDLE));
    assertThat(fromFile.windows()).isEqualTo(direct.windows());
    NabScorer.ProfileScore a = NabScorer.score(List.of(fromFile)).profile(NabProfile.STANDARD);
    NabScorer.ProfileScore b = NabScorer.score(List.of(direct)).profile(NabProfile.STANDARD);
    assertThat(a.threshold()).isEqualTo(b.threshold());
    assertThat(a.rawScore()).isCloseTo(b.rawScore(), within(1e-12));
  }

  @Test
  void rejectsMalformedResultsNamingFileAndLine() throws IOException {
    Path file = dir.resolve("bad.csv");
    Files.writeString(
        file,
        "timestamp,value,anomaly_score,label\n"
            + "2014-04-01 00:00:00,1.0,0.5,0\n"
            + "2014-04-01 00:05:00,1.0,0.5,2\n");
    assertThatThrownBy(() -> NabResultsFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.csv, line 3")
        .hasMessageContaining("label '2'");
    Files.writeString(
        file, "timestamp,value,anomaly_score,label\n" + "2014-04-01 00:00:00,1.0,0.5\n");
    assertThatThrownBy(() -> NabResultsFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("4 fields");
    Files.writeString(file, "timestamp,value\n2014-04-01 00:00:00,1.0\n");
    assertThatThrownBy(() -> NabResultsFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("header");
    assertThatThrownBy(
            () -> NabResultsFile.write(dir.resolve("x.csv"), tenRows(), new double[3], List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 rows but 3 anomaly scores");
  }
}
