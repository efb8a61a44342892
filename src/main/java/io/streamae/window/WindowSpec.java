package io.streamae.window;

import java.io.Serializable;
import java.time.Duration;

/**
 * How readings of one sensor become windows: {@code size} consecutive readings, a new window every
 * {@code slide} readings, gaps longer than {@code maxGap} handled by {@code gapPolicy}.
 */
public record WindowSpec(int size, int slide, int features, Duration maxGap, GapPolicy gapPolicy)
    implements Serializable {
  public WindowSpec {
    if (size < 1) {
      throw new IllegalArgumentException("window size must be >= 1, was " + size);
    }
    if (slide < 1) {
      throw new IllegalArgumentException("window slide must be >= 1, was " + slide);
    }
    requireSlideWithinSize(slide, "window slide", size, "window size");
    if (features < 1) {
      throw new IllegalArgumentException("features must be >= 1, was " + features);
    }
    if (maxGap == null || maxGap.isNegative() || maxGap.isZero()) {
      throw new IllegalArgumentException("maximum gap must be positive, was " + maxGap);
    }
  }

  /**
   * The one check that a window slides by no more than its size, so no reading is skipped; {@code
   * JobConfig} runs it when both options are given and the job when the model fixes the size.
   *
   * @param slideName how the message names the slide, e.g. the option key {@code window.slide}
   * @param sizeName how it names the size
   * @throws IllegalArgumentException "window.slide (9) must not exceed window.size (8)"
   */
  public static void requireSlideWithinSize(
      int slide, String slideName, int size, String sizeName) {
    if (slide > size) {
      throw new IllegalArgumentException(
          String.format("%s (%s) must not exceed %s (%s)", slideName, slide, sizeName, size));
    }
  }
}
