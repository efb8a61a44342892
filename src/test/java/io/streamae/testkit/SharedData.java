package io.streamae.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared NAB data set: {@code -Dstreamae.shared.dir}, else {@code ../shared} next to
 * the checkout (where builds find it), else {@code /work/shared}. Missing data fails the test that
 * needs it with the places searched, rather than skipping it.
 */
public final class SharedData {
  private SharedData() {}

  public static Path nab() {
    String property = System.getProperty("streamae.shared.dir");
    Path[] candidates = {
      property == null ? null : Path.of(property),
      Path.of("..", "shared").toAbsolutePath().normalize(),
      Path.of("/work/shared")
    };
    for (Path c : candidates) {
      if (c != null && Files.isDirectory(c.resolve("data/nab/data"))) {
        return c.resolve("data/nab");
      }
    }
    throw new IllegalStateException(
        "NAB data not found in -Dstreamae.shared.dir, ../shared or /work/shared (data/nab/data)");
  }
}
