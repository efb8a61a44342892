package io.streamae.cli;

import io.streamae.evaluation.NabEvaluation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Progress of {@code evaluate}: each finished series as a line on stdout ({@code [k/N] series rows:
 * trained …}), and on a terminal one status line on stderr — series done, the ones training or
 * streaming now, time so far — redrawn when a series starts or ends and every second between (a
 * series trains for several seconds). Silent on stderr when it is not a terminal.
 */
final class SeriesProgress implements NabEvaluation.Progress, AutoCloseable {
  private static final long TICK_MS = 1_000;
  private static final int NAMES_SHOWN = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final boolean show;
  private final long startNanos = System.nanoTime();
  private final Set<String> running = new LinkedHashSet<>();
  private final Thread ticker;
  private int done;
  private int total;
  private int drawnWidth;

  SeriesProgress(PrintStream out, PrintStream err, boolean show) {
    this.out = out;
    this.err = err;
    this.show = show;
    this.ticker = new Thread(this::tick, "evaluate-progress");
    this.ticker.setDaemon(true);
    if (show) {
      ticker.start();
    }
  }

  @Override
  public synchronized void started(String key, int total) {
    this.total = total;
    running.add(key);
    draw();
  }

  @Override
  public synchronized void ended(String key) {
    running.remove(key);
  }

  @Override
  public synchronized void finished(String line, int done, int total) {
    this.done = Math.max(this.done, done);
    this.total = total;
    clear();
    out.println(line);
    out.flush();
    draw();
  }

  /** The status line as drawn (without the carriage return), for tests. */
  synchronized String status() {
    List<String> names = new ArrayList<>(running);
    String now =
        names.isEmpty()
            ? ""
            : ", now "
                + String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())))
                + (names.size() > NAMES_SHOWN
                    ? String.format(Locale.ROOT, " and %d more", names.size() - NAMES_SHOWN)
                    : "");
    return String.format(
        Locale.ROOT,
        "evaluating: %d of %d series done%s (%.0f s)",
        done,
        total,
        now,
        (System.nanoTime() - startNanos) / 1e9);
  }

  private void tick() {
    while (true) {
      try {
        Thread.sleep(TICK_MS);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        if (!running.isEmpty()) {
          draw();
        }
      }
    }
  }

  private void draw() {
    if (!show) {
      return;
    }
    String line = status();
    // pad over a longer line drawn before
    err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
    err.flush();
    drawnWidth = line.length();
  }

  private void clear() {
    if (show && drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = 0;
    }
  }

  /** Stops redrawing and removes the status line, so what follows starts on a clean line. */
  @Override
  public void close() {
    ticker.interrupt();
    synchronized (this) {
      clear();
    }
  }
}
