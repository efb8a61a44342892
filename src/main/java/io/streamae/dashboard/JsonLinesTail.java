package io.streamae.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a JSON-lines file that is still being written, like {@code tail -F}: hands every complete
 * line to a consumer, waits for a line's end before passing it on (a writer flushes in blocks,
 * mid-line), waits for a file that does not exist yet, and starts from the top again when the file
 * is truncated or replaced (a new local run rewrites its results file).
 *
 * <p>A line longer than {@link #MAX_LINE_BYTES} is skipped and reported through {@code tooLong},
 * never buffered without bound.
 */
public final class JsonLinesTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesTail.class);

  /** Longest line passed on; a result is about 1 KB. */
  static final int MAX_LINE_BYTES = 4 << 20;

  private final Path file;
  private final Consumer<String> lines;
  private final Runnable tooLong;
  private final Duration pollInterval;
  private final Thread thread;
  private volatile boolean running = true;

  private long position;
  private Object fileKey;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private boolean skipping;

  /**
   * Starts following {@code file} on a daemon thread.
   *
   * @param lines receives each complete line, without its line end; blank lines are skipped
   * @param tooLong called for each line skipped for its length
   */
  public JsonLinesTail(Path file, Consumer<String> lines, Runnable tooLong, Duration pollInterval) {
    this.file = file;
    this.lines = lines;
    this.tooLong = tooLong;
    this.pollInterval = pollInterval;
    this.thread = new Thread(this::follow, "dashboard-tail-" + file.getFileName());
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    while (running) {
      try {
        if (!readAvailable(buffer)) {
          Thread.sleep(pollInterval.toMillis());
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        LOG.warn("cannot read {} ({}); retrying", file, e.toString());
        try {
          Thread.sleep(Math.max(1000, pollInterval.toMillis()));
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** Reads what was appended since the last call; false when there was nothing new. */
  private boolean readAvailable(ByteBuffer buffer) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return false;
    }
    Object key = attributes.fileKey();
    if (attributes.size() < position
        || (key != null && !Objects.equals(key, fileKey) && fileKey != null)) {
      // Truncated or replaced: a new file, read from its start.
      position = 0;
      partial.reset();
      skipping = false;
    }
    fileKey = key;
    if (attributes.size() == position) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.position(position);
      int read;
      while (running && (read = channel.read(buffer.clear())) > 0) {
        position += read;
        byte[] bytes = buffer.array();
        for (int i = 0; i < read; i++) {
          byte b = bytes[i];
          if (b == '\n') {
            endOfLine();
          } else if (!skipping) {
            if (partial.size() >= MAX_LINE_BYTES) {
              skipping = true;
              partial.reset();
              tooLong.run();
            } else {
              partial.write(b);
            }
          }
        }
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    return true;
  }

  private void endOfLine() {
    if (!skipping) {
      String line = partial.toString(StandardCharsets.UTF_8);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (!line.isBlank()) {
        lines.accept(line);
      }
    }
    skipping = false;
    partial.reset();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
