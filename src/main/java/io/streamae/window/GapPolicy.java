package io.streamae.window;

import java.util.Locale;

/** What to do when a sensor's readings stop for longer than the configured maximum gap. */
public enum GapPolicy {
  /**
   * Keep the buffered readings: the window spans the gap, as a sequence of readings. Irregularly
   * sampled sensors are scored on every reading.
   */
  BRIDGE,
  /** Drop the buffered readings; the next window starts after the gap. */
  RESTART,
  /** Carry the last values forward at the sensor's sampling interval, marking them as filled. */
  FILL;

  public static GapPolicy parse(String value) {
    for (GapPolicy p : values()) {
      if (p.name().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        String.format("unknown gap policy '%s'; expected bridge, restart or fill", value));
  }

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
