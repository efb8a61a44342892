package io.streamae.retrain;

import io.streamae.model.training.TrainingData;
import io.streamae.tensor.Normalizer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A bounded sample of the windows the scoring job judged normal, for one model: what a new version
 * of that model is fine-tuned on.
 *
 * <p>Input: the model's {@link ScoredWindow}s, each sensor's in order. Output: {@link
 * #trainingData} — up to {@code capacity} windows of {@code T} readings, each with the {@code P}
 * readings that followed it (the prediction head's target), oldest first.
 *
 * <ol>
 *   <li>Per sensor, the last {@code T + P} readings ({@code lastReading} of consecutive results)
 *       and the verdict on the window each of them ended. A result whose window does not start
 *       where the kept readings say (a gap in the results, a restart, a window built across a gap)
 *       starts the sensor afresh, so a sampled window is always the very window the job scored.
 *   <li>Once the {@code P} readings after a window have arrived, the window is a candidate when the
 *       job judged it normal ({@link ScoredWindow#normal()}: OK, not anomalous, not warming up, no
 *       filled values); every {@code stride}-th candidate of a sensor is kept (neighbouring windows
 *       overlap in all but one reading).
 *   <li>The sample is a ring: the newest {@code capacity} windows, so after a drift the newer
 *       normal windows replace the older ones. At most {@code maxSensors} sensors keep readings;
 *       the least recently seen is forgotten first.
 * </ol>
 *
 * Memory is bounded by {@code capacity × (T + P) × F} floats plus {@code maxSensors × (T + P) × (F
 * + 3)} values, whatever the stream.
 */
public final class NormalWindowSampler {
  private final int timesteps;
  private final int horizon;
  private final int features;
  private final int capacity;
  private final int stride;
  private final int maxSensors;

  private final float[] windows;
  private final float[] futures;
  private final String[] sensorOf;
  private int next;
  private int size;
  private long added;
  private final LinkedHashMap<String, Recent> sensors;

  /** The last {@code T + P} readings of one sensor, a ring. */
  private final class Recent {
    final long[] ts = new long[timesteps + horizon];
    final long[] windowStart = new long[timesteps + horizon];
    final boolean[] normal = new boolean[timesteps + horizon];
    final float[] values = new float[(timesteps + horizon) * features];
    long count;
    long candidates;
    long sampled;

    int slot(long index) {
      return (int) (index % (timesteps + horizon));
    }
  }

  /**
   * @param timesteps window length T of the model
   * @param horizon predicted steps P of the model
   * @param features features F of the model
   * @param capacity most windows kept
   * @param stride keep every stride-th normal window of a sensor
   * @param maxSensors most sensors whose recent readings are kept
   */
  public NormalWindowSampler(
      int timesteps, int horizon, int features, int capacity, int stride, int maxSensors) {
    if (timesteps < 1 || horizon < 0 || features < 1) {
      throw new IllegalArgumentException(
          String.format(
              "windows of %s steps, %s predicted, %s features", timesteps, horizon, features));
    }
    if (capacity < 1 || stride < 1 || maxSensors < 1) {
      throw new IllegalArgumentException(
          String.format(
              "capacity (%s), stride (%s) and max sensors (%s) must be >= 1",
              capacity, stride, maxSensors));
    }
    this.timesteps = timesteps;
    this.horizon = horizon;
    this.features = features;
    this.capacity = capacity;
    this.stride = stride;
    this.maxSensors = maxSensors;
    this.windows = new float[capacity * timesteps * features];
    this.futures = new float[capacity * horizon * features];
    this.sensorOf = new String[capacity];
    this.sensors =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Recent> eldest) {
            return size() > NormalWindowSampler.this.maxSensors;
          }
        };
  }

  /** Takes one result; returns true when it completed a window that joined the sample. */
  public boolean offer(ScoredWindow w) {
    if (w.lastValues().length != features) {
      throw new IllegalArgumentException(
          String.format(
              "result of %s has %s features, the sample %s",
              w.sensorId(), w.lastValues().length, features));
    }
    Recent r = sensors.computeIfAbsent(w.sensorId(), k -> new Recent());
    if (r.count > 0) {
      long previous = r.ts[r.slot(r.count - 1)];
      boolean continues =
          w.lastTs() > previous
              && (r.count < timesteps - 1
                  || r.ts[r.slot(r.count - timesteps + 1)] == w.windowStart());
      if (!continues) {
        r.count = 0;
      }
    }
    int s = r.slot(r.count);
    r.ts[s] = w.lastTs();
    r.windowStart[s] = w.windowStart();
    r.normal[s] = w.normal();
    System.arraycopy(w.lastValues(), 0, r.values, s * features, features);
    r.count++;
    if (r.count < timesteps + horizon) {
      return false;
    }
    long end = r.count - 1 - horizon; // the window ending here now has its future
    int e = r.slot(end);
    if (!r.normal[e] || r.ts[r.slot(end - timesteps + 1)] != r.windowStart[e]) {
      return false;
    }
    if (r.candidates++ % stride != 0) {
      return false;
    }
    int w0 = next * timesteps * features;
    for (int k = 0; k < timesteps; k++) {
      System.arraycopy(
          r.values,
          r.slot(end - timesteps + 1 + k) * features,
          windows,
          w0 + k * features,
          features);
    }
    int f0 = next * horizon * features;
    for (int k = 0; k < horizon; k++) {
      System.arraycopy(
          r.values, r.slot(end + 1 + k) * features, futures, f0 + k * features, features);
    }
    sensorOf[next] = w.sensorId();
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
    added++;
    r.sampled++;
    return true;
  }

  /** Windows in the sample now (at most the capacity). */
  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  /** Windows that ever joined the sample. */
  public long added() {
    return added;
  }

  /** Windows of {@code sensor} that ever joined the sample. */
  public long added(String sensor) {
    Recent r = sensors.get(sensor);
    return r == null ? 0 : r.sampled;
  }

  /** Windows that joined the sample since the snapshot {@code before} ({@link #addedBy}). */
  public long addedSince(Map<String, Long> before) {
    long n = 0;
    for (Map.Entry<String, Long> e : before.entrySet()) {
      n += Math.max(0, added(e.getKey()) - e.getValue());
    }
    return n;
  }

  /** How many windows each of {@code sensorIds} has contributed so far. */
  public Map<String, Long> addedBy(Set<String> sensorIds) {
    Map<String, Long> out = new HashMap<>();
    for (String s : sensorIds) {
      out.put(s, added(s));
    }
    return out;
  }

  /** Sensors whose readings are kept now (at most {@code maxSensors}). */
  public int sensorsTracked() {
    return sensors.size();
  }

  /** Distinct sensors among the sampled windows. */
  public int sensorsInSample() {
    return (int)
        java.util.Arrays.stream(sensorOf).filter(java.util.Objects::nonNull).distinct().count();
  }

  /** The sample, oldest window first, normalised with {@code normalizer}. */
  public TrainingData trainingData(Normalizer normalizer) {
    if (size == 0) {
      throw new IllegalStateException("the sample holds no window yet");
    }
    int w = timesteps * features;
    int p = horizon * features;
    float[] ws = new float[size * w];
    float[] fs = new float[size * p];
    int oldest = size < capacity ? 0 : next;
    for (int i = 0; i < size; i++) {
      int slot = (oldest + i) % capacity;
      System.arraycopy(windows, slot * w, ws, i * w, w);
      System.arraycopy(futures, slot * p, fs, i * p, p);
    }
    normalizer.normalize(ws, 0, size * timesteps);
    normalizer.normalize(fs, 0, size * horizon);
    return new TrainingData(size, timesteps, features, horizon, ws, fs);
  }
}
