package io.streamae.window;

import java.util.Arrays;

/**
 * Pure sliding-window logic over one sensor's in-order readings; {@link AssembleWindowFunction}
 * runs it on Flink keyed state. Appending a reading returns the window it completes, if any.
 */
public final class WindowAssembler implements java.io.Serializable {
  private final WindowSpec spec;

  public WindowAssembler(WindowSpec spec) {
    this.spec = spec;
  }

  public WindowSpec spec() {
    return spec;
  }

  /** What happened to the buffer before the reading was appended. */
  public enum GapOutcome {
    NONE,
    BRIDGED,
    RESTARTED,
    FILLED
  }

  /** Outcome of one append: the completed window (or null), gap handling and filled steps. */
  public record Step(SensorWindow window, GapOutcome gap, int filledSteps) {}

  /**
   * Appends a reading newer than every buffered one.
   *
   * @throws IllegalArgumentException if the reading is not newer than the last one
   */
  public Step append(WindowState state, String sensorId, long timestamp, float[] values) {
    if (values.length != spec.features()) {
      throw new IllegalArgumentException(
          String.format(
              "reading has %s values, windows hold %s features", values.length, spec.features()));
    }
    GapOutcome gap = GapOutcome.NONE;
    int filledSteps = 0;
    if (state.count > 0) {
      long last = state.lastTimestamp();
      if (timestamp <= last) {
        throw new IllegalArgumentException(
            String.format("reading at %s is not newer than the last one at %s", timestamp, last));
      }
      long interval = timestamp - last;
      if (interval > spec.maxGap().toMillis() && spec.gapPolicy() == GapPolicy.BRIDGE) {
        gap = GapOutcome.BRIDGED;
      } else if (interval > spec.maxGap().toMillis()) {
        filledSteps = spec.gapPolicy() == GapPolicy.FILL ? fill(state, timestamp) : -1;
        if (filledSteps < 0) {
          clear(state);
          gap = GapOutcome.RESTARTED;
          filledSteps = 0;
        } else {
          gap = GapOutcome.FILLED;
        }
      }
    }
    push(state, timestamp, values, false);
    state.sinceEmit++;
    if (state.count == spec.size() && (!state.emitted || state.sinceEmit >= spec.slide())) {
      state.emitted = true;
      state.sinceEmit = 0;
      return new Step(window(state, sensorId), gap, filledSteps);
    }
    return new Step(null, gap, filledSteps);
  }

  /**
   * Carries the last values forward at the sensor's last sampling interval up to the new reading.
   * Returns the number of filled steps, or -1 when the gap cannot be filled (no known interval, or
   * more steps than one window).
   */
  private int fill(WindowState state, long timestamp) {
    if (state.count < 2) {
      return -1;
    }
    long step = state.timestamps[state.count - 1] - state.timestamps[state.count - 2];
    long last = state.lastTimestamp();
    long missing = (timestamp - last) / step - ((timestamp - last) % step == 0 ? 1 : 0);
    if (step <= 0 || missing > spec.size()) {
      return -1;
    }
    int f = spec.features();
    float[] carried = Arrays.copyOfRange(state.values, (state.count - 1) * f, state.count * f);
    for (int k = 1; k <= missing; k++) {
      push(state, last + k * step, carried, true);
    }
    return (int) missing;
  }

  private void push(WindowState state, long timestamp, float[] values, boolean filled) {
    int f = spec.features();
    if (state.count == spec.size()) {
      System.arraycopy(state.timestamps, 1, state.timestamps, 0, spec.size() - 1);
      System.arraycopy(state.values, f, state.values, 0, (spec.size() - 1) * f);
      System.arraycopy(state.filled, 1, state.filled, 0, spec.size() - 1);
      state.count--;
    }
    state.timestamps[state.count] = timestamp;
    System.arraycopy(values, 0, state.values, state.count * f, f);
    state.filled[state.count] = (byte) (filled ? 1 : 0);
    state.count++;
  }

  private static void clear(WindowState state) {
    state.count = 0;
    state.sinceEmit = 0;
    state.emitted = false;
  }

  private SensorWindow window(WindowState state, String sensorId) {
    int filled = 0;
    for (int i = 0; i < state.count; i++) {
      filled += state.filled[i];
    }
    return new SensorWindow(sensorId, state.timestamps.clone(), state.values.clone(), filled);
  }
}
