package io.streamae.cli;

import io.streamae.model.training.EpochStats;
import io.streamae.model.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for training on stderr, redrawn after every mini-batch (at most five
 * times a second) and at the end of each epoch. Silent when stderr is not a terminal, so logs and
 * pipes get no carriage returns.
 */
final class ProgressBar implements TrainingListener, AutoCloseable {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 200_000_000L;
  private final PrintStream out;
  private final boolean show;
  private long lastDraw;
  private boolean drawn;
  private String lastEpochLine = "";

  ProgressBar(PrintStream out, boolean show) {
    this.out = out;
    this.show = show;
  }

  @Override
  public void onStep(int epoch, int epochs, long windowsDone, long windows, double runningLoss) {
    long now = System.nanoTime();
    if (!show || now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    double done = (epoch - 1 + (double) windowsDone / windows) / epochs;
    out.printf(
        Locale.ROOT,
        "\repoch %3d/%d [%s] %,d/%,d windows, loss so far %.5f %s",
        epoch,
        epochs,
        bar(done),
        windowsDone,
        windows,
        runningLoss,
        lastEpochLine);
    out.flush();
    drawn = true;
  }

  @Override
  public void onEpoch(EpochStats s) {
    if (!show) {
      return;
    }
    long eta = s.eta().toSeconds();
    lastEpochLine =
        String.format(
            Locale.ROOT,
            "| last epoch: val %s, %,.0f windows/s, ETA %02d:%02d ",
            Double.isNaN(s.validationLoss())
                ? "-"
                : String.format(Locale.ROOT, "%.5f", s.validationLoss()),
            s.windowsPerSecond(),
            eta / 60,
            eta % 60);
    out.printf(
        Locale.ROOT,
        "\repoch %3d/%d [%s] loss %.5f %s      ",
        s.epoch(),
        s.epochs(),
        bar((double) s.epoch() / s.epochs()),
        s.trainLoss(),
        lastEpochLine);
    out.flush();
    drawn = true;
  }

  private static String bar(double fraction) {
    int filled = (int) Math.round(Math.min(1.0, fraction) * WIDTH);
    return "=".repeat(Math.max(0, filled - 1))
        + (filled > 0 ? ">" : "")
        + " ".repeat(WIDTH - filled);
  }

  /** Ends the bar's line, if one was drawn. */
  @Override
  public void close() {
    if (drawn) {
      out.println();
      out.flush();
      drawn = false;
    }
  }
}
