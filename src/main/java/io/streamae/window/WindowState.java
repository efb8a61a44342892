package io.streamae.window;

/**
 * The per-sensor buffer behind sliding windows, kept in Flink keyed state: the newest {@code
 * count} readings (oldest first) and how many arrived since the last window. A POJO so Flink
 * serialises it without Kryo.
 */
public class WindowState {
  public long[] timestamps;
  public float[] values;
  public byte[] filled;
  public int count;
  public int sinceEmit;
  public boolean emitted;

  public WindowState() {}

  public static WindowState empty(WindowSpec spec) {
    WindowState s = new WindowState();
    s.timestamps = new long[spec.size()];
    s.values = new float[spec.size() * spec.features()];
    s.filled = new byte[spec.size()];
    return s;
  }

  public long lastTimestamp() {
    return count == 0 ? Long.MIN_VALUE : timestamps[count - 1];
  }
}
