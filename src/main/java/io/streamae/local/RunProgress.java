package io.streamae.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Watches a local run's results file while the job runs: counts the result lines as they are
 * flushed, shows them against the expected window count on a terminal (one line on stderr, redrawn
 * twice a second; nothing when stderr is not a terminal), and notes when the first result appeared,
 * so the summary can give the steady rate beside the wall time that includes start-up.
 */
final class RunProgress implements AutoCloseable {
  private static final long POLL_MS = 500;

  private final Path results;
  private final long expectedWindows;
  private final PrintStream err;
  private final boolean show;
  private final long startNanos = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;
  private long offset;
  private long lines;
  private long firstLineNanos = -1;
  private long firstLines;
  private boolean drawn;

  RunProgress(Path results, long expectedWindows, PrintStream err, boolean show) {
    this.results = results;
    this.expectedWindows = expectedWindows;
    this.err = err;
    this.show = show;
    this.thread = new Thread(this::loop, "run-progress");
    this.thread.setDaemon(true);
  }

  /** On a terminal only: {@code System.console()} is null when stdout or stderr is redirected. */
  static boolean terminal() {
    return System.console() != null;
  }

  RunProgress start() {
    thread.start();
    return this;
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
      poll();
      if (show) {
        draw();
      }
    }
  }

  private synchronized void poll() {
    try {
      if (!Files.isRegularFile(results)) {
        return;
      }
      try (RandomAccessFile file = new RandomAccessFile(results.toFile(), "r")) {
        if (file.length() < offset) {
          offset = 0; // the run truncated the file of an earlier run
          lines = 0;
        }
        file.seek(offset);
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = file.read(buffer)) > 0) {
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
          offset += n;
        }
      }
      if (lines > 0 && firstLineNanos < 0) {
        firstLineNanos = System.nanoTime();
        firstLines = lines;
      }
    } catch (IOException e) {
      // the sink may be creating the file right now; the next poll reads it
    }
  }

  private synchronized void draw() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    String line =
        lines == 0
            ? String.format(Locale.ROOT, "\rstarting the job … %.0f s ", seconds)
            : String.format(
                Locale.ROOT,
                "\rscored %,d of ~%,d windows (%.0f%%) in %.0f s ",
                lines,
                expectedWindows,
                expectedWindows == 0 ? 100.0 : Math.min(100.0, 100.0 * lines / expectedWindows),
                seconds);
    err.print(line);
    err.flush();
    drawn = true;
  }

  /**
   * Windows per second from the first result to the end, or NaN when the results came too close
   * together to measure (fewer than a second apart).
   */
  synchronized double steadyWindowsPerSecond(long totalWindows, long endNanos) {
    if (firstLineNanos < 0) {
      return Double.NaN;
    }
    double seconds = (endNanos - firstLineNanos) / 1e9;
    return seconds < 1.0 ? Double.NaN : (totalWindows - firstLines) / seconds;
  }

  /** Seconds from the start to the first result, or NaN if none was seen while running. */
  synchronized double startupSeconds() {
    return firstLineNanos < 0 ? Double.NaN : (firstLineNanos - startNanos) / 1e9;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (drawn) {
        err.print("\r" + " ".repeat(60) + "\r");
        err.flush();
      }
    }
  }
}
