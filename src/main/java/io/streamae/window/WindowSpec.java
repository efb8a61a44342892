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
    if (slide < 1 || slide > size) {
      throw new IllegalArgumentException(
          String.format("window slide (%s) must be between 1 and the window size (%s)", slide, size));
    }
    if (features < 1) {
      throw new IllegalArgumentException("features must be >= 1, was " + features);
    }
    if (maxGap == null || maxGap.isNegative() || maxGap.isZero()) {
      throw new IllegalArgumentException("maximum gap must be positive, was " + maxGap);
    }
  }
}
