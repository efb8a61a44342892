package io.streamae.window;

import java.util.Arrays;

/**
 * {@code size} consecutive readings of one sensor, ready to become a tensor row: the record that
 * travels from window assembly to scoring. Plain arrays, never an {@code INDArray}.
 *
 * @param timestamps event time of each step, ascending, epoch ms
 * @param values {@code [timesteps, features]} row-major, original units
 * @param filledValues how many steps were filled across a gap rather than measured
 * @param releasedByTimeout whether the window's newest reading was released by the staleness bound
 *     ({@code window.max-staleness}) instead of the watermark
 */
public record SensorWindow(
    String sensorId,
    long[] timestamps,
    float[] values,
    int filledValues,
    boolean releasedByTimeout) {

  /** A window released by the watermark. */
  public SensorWindow(String sensorId, long[] timestamps, float[] values, int filledValues) {
    this(sensorId, timestamps, values, filledValues, false);
  }

  /** The same window, released by the staleness bound. */
  public SensorWindow withReleasedByTimeout() {
    return new SensorWindow(sensorId, timestamps, values, filledValues, true);
  }

  public long start() {
    return timestamps[0];
  }

  public long end() {
    return timestamps[timestamps.length - 1];
  }

  public int timesteps() {
    return timestamps.length;
  }

  public int features() {
    return values.length / timestamps.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SensorWindow w
        && sensorId.equals(w.sensorId)
        && filledValues == w.filledValues
        && releasedByTimeout == w.releasedByTimeout
        && Arrays.equals(timestamps, w.timestamps)
        && Arrays.equals(values, w.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * sensorId.hashCode() + Arrays.hashCode(timestamps)) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return String.format(
        "SensorWindow[%s %d..%d, %d steps, %d filled%s]",
        sensorId, start(), end(), timesteps(), filledValues, releasedByTimeout ? ", timeout" : "");
  }
}
