package io.streamae.window;

/**
 * The per-sensor buffer behind sliding windows, kept in Flink keyed state: the newest {@code count}
 * readings (oldest first) and how many arrived since the last window. A POJO so Flink serialises it
 * without Kryo.
 */
public class WindowState {
  public long[] timestamps;
  public float[] values;
  public byte[] filled;
  public int count;
  public int sinceEmit;
  public boolean emitted;

  /** The {@code source} of the newest reading, to name it when a conflicting duplicate comes. */
  public String lastSource;

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

  /** Whether the newest reading holds exactly {@code candidate} (bit for bit). */
  public boolean lastValuesEqual(float[] candidate) {
    int f = candidate.length;
    if (count == 0 || values.length < count * f) {
      return false;
    }
    for (int i = 0; i < f; i++) {
      if (Float.floatToIntBits(values[(count - 1) * f + i]) != Float.floatToIntBits(candidate[i])) {
        return false;
      }
    }
    return true;
  }
}
