package io.streamae.window;

import java.util.Locale;

/**
 * When a reading is too late to join its sensor's windows ({@code window.lateness}).
 *
 * <p>Both rules send a reading older than the newest reading already released into its sensor's
 * windows to {@code LATE_READING}, since windows are never rewritten. They differ for a reading
 * that arrives behind the watermark but is newer than everything its sensor released so far.
 */
public enum Lateness {
  /**
   * Late only when older than the newest reading its sensor released into windows. A reading behind
   * the watermark but newer than that joins the windows at once. Right when each sensor's readings
   * arrive in order, as Kafka keeps them on one partition when keyed by sensor id: the watermark,
   * driven by all sensors and partitions together, may run ahead of one sensor (after a pause, a
   * restart, or on a partition that is behind) without its readings being late.
   */
  SENSOR,
  /**
   * Also late when at or behind the watermark, as Flink's event-time windows treat readings; for
   * inputs where a reading behind the watermark is a sign of trouble rather than of a slow
   * partition.
   */
  WATERMARK;

  public static Lateness parse(String value) {
    for (Lateness l : values()) {
      if (l.name().equalsIgnoreCase(value.trim())) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        String.format("unknown lateness rule '%s'; expected sensor or watermark", value));
  }

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
