package io.streamae.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation on NAB's machine-temperature series (22,695 five-minute readings of an industrial
 * machine, four labelled windows, a repeated hour at line 10151), with a small model trained on the
 * first 750 rows only: the real job graph streams every row, the results file has one row per input
 * row, and the job's alarms ({@code anomalous}) fall inside three of the four failure windows
 * before they end.
 */
class NabEvaluationITCase {
  private static final String KEY = "realKnownCause/machine_temperature_system_failure.csv";
  private static final int ROWS = 22_695;

  @TempDir static Path dir;
  private static EvaluationReport report;
  private static NabLabels labels;

  @BeforeAll
  static void evaluate() throws Exception {
    Path data = dir.resolve("data");
    copy("/samples/nab/machine_temperature_system_failure.csv", data.resolve(KEY));
    Path labelsFile = dir.resolve("windows.json");
    copy("/samples/nab/machine_temperature_windows.json", labelsFile);
    labels = NabLabels.read(labelsFile);
    NabEvaluation.Settings settings =
        NabEvaluation.Settings.builder()
            .detector("it")
            .timesteps(16)
            .hidden(16)
            .epochs(6)
            // One series, but parallel > 1 pins ND4J to one thread: the same model everywhere.
            .parallel(2)
            .build();
    report = new NabEvaluation(settings).run(data, labelsFile, dir.resolve("out"), line -> {});
  }

  private static void copy(String resource, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (InputStream in = NabEvaluationITCase.class.getResourceAsStream(resource)) {
      Files.copy(in, target);
    }
  }

  @Test
  void writesOneScoredRowPerInputRowInInputOrder() throws IOException {
    Path file = dir.resolve("out/it/realKnownCause/it_machine_temperature_system_failure.csv");
    List<NabResultsFile.Row> rows = NabResultsFile.read(file);
    NabSeries input = NabSeries.read(dir.resolve("data").resolve(KEY), KEY);
    assertThat(rows).hasSize(ROWS);
    for (int i = 0; i < ROWS; i++) {
      assertThat(rows.get(i).timestampMs()).isEqualTo(input.timestampMs(i));
      assertThat(rows.get(i).anomalyScore()).isBetween(0.0, 1.0);
    }
    // The first 750 rows trained the model and warm the calibration up: they score 0.
    assertThat(rows.subList(0, 750)).allSatisfy(r -> assertThat(r.anomalyScore()).isZero());
    // The repeated hour (rows 10149..10160 repeat 10137..10148) is late in event time: no score.
    assertThat(input.timestampMs(10149)).isEqualTo(input.timestampMs(10137));
    assertThat(rows.subList(10149, 10161)).allSatisfy(r -> assertThat(r.anomalyScore()).isZero());
    assertThat(rows.get(10161).anomalyScore()).isPositive();
    NabEvaluation.SeriesRun run = report.runs().get(0);
    // Unscored: the 15 rows before the first full window of 16, and the 12 repeated rows, which
    // the window stage drops as duplicates (or dead-letters as late, depending on watermarks).
    assertThat(run.unscoredRows()).isEqualTo(15 + 12);
    assertThat(run.trainingRows()).isEqualTo(750);
  }

  @Test
  void raisesAlarmsInsideTheFailureWindowsBeforeTheyEnd() {
    NabEvaluation.SeriesRun run = report.runs().get(0);
    long[] ts = run.series().timestampsMs();
    List<NabScorer.IndexWindow> windows = NabScorer.toIndexWindows(KEY, ts, labels.windows(KEY));
    List<Integer> detected = new ArrayList<>();
    for (int w = 0; w < windows.size(); w++) {
      NabScorer.IndexWindow window = windows.get(w);
      for (int i = window.first(); i < window.last(); i++) {
        if (run.alarms()[i]) {
          detected.add(w);
          break;
        }
      }
    }
    // Alarmed before their end: window 0 (10-12 Dec: a dip to ~50, then a climb to ~100) and
    // window 1 (15-17 Dec: a fall to near 0, a shutdown). Window 2 (27-29 Jan) stays within the
    // normal 50..80; window 3 (7-9 Feb, the slow decline of the final failure) stays within the
    // range the shutdown showed, and this small model's errors do not single it out.
    assertThat(detected).contains(0, 1);
    assertThat(report.nab().profile(NabProfile.STANDARD).normalisedScore()).isPositive();
    assertThat(report.format()).contains("realKnownCause").contains("windows detected");
  }

  @Test
  void noLabelReachesTheModel() {
    NabEvaluation.SeriesRun run = report.runs().get(0);
    // The model trained on the first 750 rows; the first window starts far later.
    int firstWindowRow =
        NabScorer.toIndexWindows(KEY, run.series().timestampsMs(), labels.windows(KEY))
            .get(0)
            .first();
    assertThat(firstWindowRow).isGreaterThan(run.trainingRows());
    assertThat(Map.of("rows", run.series().rows())).containsEntry("rows", ROWS);
  }
}
