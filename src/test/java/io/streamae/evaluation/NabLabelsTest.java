package io.streamae.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamae.evaluation.NabScorer.IndexWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading NAB label windows and NAB data series, on hand-made text and on the real subset. */
class NabLabelsTest {
  private static final Path DATA = io.streamae.testkit.SharedData.nab();
  private static final Path LABELS = DATA.resolve("labels/combined_windows_subset.json");
  private static final String MACHINE = "realKnownCause/machine_temperature_system_failure.csv";
  private static final String AMBIENT = "realKnownCause/ambient_temperature_system_failure.csv";

  @TempDir Path dir;

  @Test
  void parsesWindowsPerFileInOrder() {
    NabLabels labels =
        NabLabels.parse(
            "{\"x/a.csv\": [[\"2014-04-10 07:15:00.000000\", \"2014-04-11 16:45:00.000000\"],"
                + " [\"2014-04-12 00:00:00\", \"2014-04-12 01:00:00\"]],"
                + " \"x/b.csv\": []}",
            "inline");
    assertThat(labels.files()).containsExactly("x/a.csv", "x/b.csv");
    assertThat(labels.windows("x/b.csv")).isEmpty();
    List<NabLabels.Window> windows = labels.windows("x/a.csv");
    assertThat(windows).hasSize(2);
    assertThat(windows.get(0).start()).isEqualTo(LocalDateTime.of(2014, 4, 10, 7, 15));
    assertThat(windows.get(0).end()).isEqualTo(LocalDateTime.of(2014, 4, 11, 16, 45));
    // Naive time read as UTC: 2014-04-10T07:15Z = 1397114100 s since the epoch.
    assertThat(windows.get(0).startMs()).isEqualTo(1_397_114_100_000L);
    assertThat(labels.windowCount()).isEqualTo(2);
  }

  @Test
  void rejectsMalformedLabels() {
    assertThatThrownBy(() -> NabLabels.parse("{\"a.csv\": [[\"2014-04-10\", \"x\"]]}", "l.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("l.json")
        .hasMessageContaining("window 0 of a.csv");
    assertThatThrownBy(() -> NabLabels.parse("{\"a.csv\": [[\"2014-04-10 00:00:00\"]]}", "l.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[\"start\", \"end\"]");
    assertThatThrownBy(
            () ->
                NabLabels.parse(
                    "{\"a.csv\": [[\"2014-04-11 00:00:00\", \"2014-04-10 00:00:00\"]]}", "l.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before its start");
    // Overlapping / unordered windows.
    assertThatThrownBy(
            () ->
                NabLabels.parse(
                    "{\"a.csv\": [[\"2014-04-10 00:00:00\", \"2014-04-11 00:00:00\"],"
                        + " [\"2014-04-11 00:00:00\", \"2014-04-12 00:00:00\"]]}",
                    "l.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.csv")
        .hasMessageContaining("window 1");
    assertThatThrownBy(() -> NabLabels.parse("[1, 2]", "l.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> NabLabels.parse("{\"a.csv\": [", "l.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    NabLabels labels = NabLabels.parse("{\"a.csv\": []}", "l.json");
    assertThatThrownBy(() -> labels.windows("b.csv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no labels for b.csv");
  }

  @Test
  void readsTheRealLabelsSubset() throws IOException {
    NabLabels labels = NabLabels.read(LABELS);
    assertThat(labels.size()).isEqualTo(13);
    assertThat(labels.files().stream().filter(f -> labels.windows(f).isEmpty())).hasSize(5);
    assertThat(labels.windows(AMBIENT)).hasSize(2);
    List<NabLabels.Window> machine = labels.windows(MACHINE);
    assertThat(machine).hasSize(4);
    assertThat(machine.get(0))
        .isEqualTo(
            new NabLabels.Window(
                LocalDateTime.of(2013, 12, 10, 6, 25), LocalDateTime.of(2013, 12, 12, 5, 35)));
    assertThat(machine.get(3).end()).isEqualTo(LocalDateTime.of(2014, 2, 9, 14, 5));
    // 6 artificial files with one window, 2 + 4 real windows.
    assertThat(labels.windowCount()).isEqualTo(12);
  }

  @Test
  void realSeriesHasTheReadmeRowCountsAndLabelBoundsAreRowTimestamps() throws IOException {
    NabLabels labels = NabLabels.read(LABELS);
    NabSeries machine = NabSeries.read(DATA.resolve("data").resolve(MACHINE), MACHINE);
    assertThat(machine.name()).isEqualTo(MACHINE);
    assertThat(machine.size()).isEqualTo(22695);
    assertThat(machine.timestampMs(0)).isEqualTo(NabSeries.parseEpochMillis("2013-12-02 21:15:00"));
    assertThat(machine.value(0)).isEqualTo(73.96732207);
    assertThat(NabSeries.read(DATA.resolve("data").resolve(AMBIENT)).size()).isEqualTo(7267);
    assertThat(NabSeries.read(DATA.resolve("data/artificialNoAnomaly/art_noisy.csv")).size())
        .isEqualTo(4032);

    long[] timestamps = machine.timestampsMs();
    List<NabLabels.Window> windows = labels.windows(MACHINE);
    List<IndexWindow> rows = NabScorer.toIndexWindows(MACHINE, timestamps, windows);
    assertThat(rows).hasSize(4);
    int windowRows = 0;
    for (int w = 0; w < 4; w++) {
      // README: every bound equals a timestamp of the file; the window starts and ends there.
      assertThat(timestamps[rows.get(w).first()]).isEqualTo(windows.get(w).startMs());
      assertThat(timestamps[rows.get(w).last()]).isEqualTo(windows.get(w).endMs());
      assertThat(rows.get(w).first()).isGreaterThanOrEqualTo(NabScorer.probationaryLength(22695));
      windowRows += rows.get(w).width();
    }
    // NAB sizes windows to ~10% of the file, split over its anomalies: 0.10 * 22695 ~ 2270.
    assertThat(windowRows).isBetween(2200, 2340);
  }

  @Test
  void seriesErrorsNameFileAndLine() throws IOException {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, "timestamp,value\n2014-04-01 00:00:00,1.0\n2014-04-01 00:05:00,abc\n");
    assertThatThrownBy(() -> NabSeries.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.csv, line 3")
        .hasMessageContaining("'abc'");
    Files.writeString(file, "timestamp,value\n2014-04-01 00:00:00,1.0\n2014-04-01T00:05,2.0\n");
    assertThatThrownBy(() -> NabSeries.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.csv, line 3")
        .hasMessageContaining("timestamp");
    Files.writeString(file, "time,value\n2014-04-01 00:05:00,1.0\n");
    assertThatThrownBy(() -> NabSeries.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("header");
    Files.writeString(file, "timestamp,value\n2014-04-01 00:05:00,1.0,7\n");
    assertThatThrownBy(() -> NabSeries.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("2 fields");
  }

  @Test
  void seriesFieldsFollowCsvQuoting() throws IOException {
    Path file = dir.resolve("quoted.csv");
    Files.writeString(
        file, "timestamp,\"value\"\n\"2014-04-01 00:00:00\",\"1.5\"\n2014-04-01 00:05:00,2.0\n");
    NabSeries series = NabSeries.read(file);
    assertThat(series.values()).containsExactly(1.5, 2.0);
    Files.writeString(file, "timestamp,value\n2014-04-01 00:00:00,\"1.5\n");
    assertThatThrownBy(() -> NabSeries.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quoted.csv, line 2")
        .hasMessageContaining("not valid CSV");
  }

  @Test
  void backwardTimestampStepIsKeptInRowOrderAndReported() throws IOException {
    // NAB's machine_temperature file repeats 2014-01-07 02:00..02:55: line 10151 (row 10149,
    // after the header) steps back from 02:55 to 02:00. NAB scores by row, so the row stays.
    NabSeries machine = NabSeries.read(DATA.resolve("data").resolve(MACHINE), MACHINE);
    assertThat(machine.firstNonIncreasingRow()).hasValue(10149);
    assertThat(NabSeries.formatTimestamp(machine.timestampMs(10148)))
        .isEqualTo("2014-01-07 02:55:00");
    assertThat(NabSeries.formatTimestamp(machine.timestampMs(10149)))
        .isEqualTo("2014-01-07 02:00:00");
    assertThat(machine.value(10149)).isEqualTo(94.13972336);
    assertThat(NabSeries.read(DATA.resolve("data").resolve(AMBIENT)).firstNonIncreasingRow())
        .isEmpty();
  }

  @Test
  void timestampsRoundTripWithoutZoneShift() {
    long ms = NabSeries.parseEpochMillis("2014-03-30 02:30:00");
    // 02:30 does not exist in Central European summer-time change; naive UTC keeps it.
    assertThat(NabSeries.formatTimestamp(ms)).isEqualTo("2014-03-30 02:30:00");
    assertThat(NabSeries.parseEpochMillis("2014-03-30 02:30:00.000000")).isEqualTo(ms);
    assertThat(NabSeries.formatTimestamp(ms + 250)).isEqualTo("2014-03-30 02:30:00.250");
    assertThatThrownBy(() -> NabSeries.parseEpochMillis("2014-03-30 02:30:00.0000001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sub-millisecond");
  }
}
