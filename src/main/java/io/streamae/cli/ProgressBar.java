package io.streamae.cli;

import io.streamae.model.training.EpochStats;
import io.streamae.model.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/** A one-line terminal progress bar for training, redrawn each epoch. */
final class ProgressBar implements TrainingListener {
  private static final int WIDTH = 30;
  private final PrintStream out;

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onEpoch(EpochStats s) {
    int filled = (int) Math.round((double) s.epoch() / s.epochs() * WIDTH);
    String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(WIDTH - filled);
    long eta = s.eta().toSeconds();
    out.printf(Locale.ROOT, "\repoch %3d/%d [%s] loss %.5f val %s %,.0f windows/s ETA %02d:%02d ",
        s.epoch(), s.epochs(), bar, s.trainLoss(),
        Double.isNaN(s.validationLoss()) ? "-" : String.format(Locale.ROOT, "%.5f", s.validationLoss()),
        s.windowsPerSecond(), eta / 60, eta % 60);
    out.flush();
  }

  void done() {
    out.println();
  }
}
