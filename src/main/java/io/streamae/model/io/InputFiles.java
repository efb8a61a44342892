package io.streamae.model.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a path a user named before it is opened, so the message says what is wrong with it: it
 * does not exist, it is a directory where a file was expected (or the other way round), or it
 * cannot be read. {@code what} names the role, e.g. "history file" or "model bundle".
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * @throws IOException "history file x.csv does not exist", "… is a directory, not a file", "… is
   *     not readable"
   */
  public static Path requireFile(Path path, String what) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException(String.format("%s %s does not exist", what, path));
    }
    if (Files.isDirectory(path)) {
      throw new IOException(String.format("%s %s is a directory, not a file", what, path));
    }
    if (!Files.isRegularFile(path)) {
      throw new IOException(String.format("%s %s is not a regular file", what, path));
    }
    if (!Files.isReadable(path)) {
      throw new IOException(String.format("%s %s is not readable (permission denied)", what, path));
    }
    return path;
  }

  /**
   * @throws IOException "… does not exist", "… is a file, not a directory", "… is not readable"
   */
  public static Path requireDirectory(Path path, String what) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException(String.format("%s %s does not exist", what, path));
    }
    if (!Files.isDirectory(path)) {
      throw new IOException(String.format("%s %s is a file, not a directory", what, path));
    }
    if (!Files.isReadable(path)) {
      throw new IOException(String.format("%s %s is not readable (permission denied)", what, path));
    }
    return path;
  }
}
