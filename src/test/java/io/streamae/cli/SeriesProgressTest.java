package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** evaluate's progress: finished series on stdout, a live status line on stderr on a terminal. */
class SeriesProgressTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void onATerminalTheStatusLineNamesWhatRunsAndCountsWhatIsDone() {
    try (SeriesProgress progress = progress(true)) {
      progress.started("realA/a.csv", 3);
      progress.started("realA/b.csv", 3);
      progress.started("realB/c.csv", 3);
      assertThat(progress.status())
          .startsWith("evaluating: 0 of 3 series done, now realA/a.csv, realA/b.csv and 1 more (");
      progress.ended("realA/a.csv");
      progress.finished("[1/3] realA/a.csv      1,000 rows: trained 2.0 s, streamed 1.0 s", 1, 3);
      assertThat(progress.status())
          .startsWith("evaluating: 1 of 3 series done, now realA/b.csv, realB/c.csv (");
    }
    assertThat(text(out))
        .isEqualTo("[1/3] realA/a.csv      1,000 rows: trained 2.0 s, streamed 1.0 s\n");
    String drawn = text(err);
    assertThat(drawn)
        .contains("\revaluating: 0 of 3 series done, now realA/a.csv")
        .contains("\revaluating: 1 of 3 series done, now realA/b.csv, realB/c.csv");
    // closed: the status line is blanked, so the report starts on a clean line
    assertThat(drawn).endsWith("\r");
  }

  @Test
  void whenStderrIsNotATerminalOnlyTheFinishedSeriesArePrinted() {
    try (SeriesProgress progress = progress(false)) {
      progress.started("realA/a.csv", 1);
      progress.ended("realA/a.csv");
      progress.finished("[1/1] realA/a.csv", 1, 1);
    }
    assertThat(text(out)).isEqualTo("[1/1] realA/a.csv\n");
    assertThat(text(err)).isEmpty();
  }

  private SeriesProgress progress(boolean show) {
    return new SeriesProgress(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        show);
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }
}
