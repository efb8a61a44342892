package io.streamae.testkit;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The NAB series the tests read: 13 files of the benchmark with their label windows, kept in the
 * repository under {@code src/test/resources/nab} (MIT licence, see its NOTICE.md), so the tests
 * pass on any clone.
 */
public final class SharedData {
  private SharedData() {}

  public static Path nab() {
    URL notice = SharedData.class.getResource("/nab/NOTICE.md");
    if (notice == null) {
      throw new IllegalStateException("test resource nab/NOTICE.md is missing from the class path");
    }
    try {
      return Path.of(notice.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("test resource nab/ is not a directory: " + notice, e);
    }
  }
}
