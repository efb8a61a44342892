package io.streamae.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic machines with three correlated channels and known faults, for the
 * embedded demo and tests. Sensor {@code machine-0} stays healthy; every other sensor develops one
 * fault in the second half of its history:
 *
 * <ul>
 *   <li>bearing wear: vibration bursts at four times their usual amplitude;
 *   <li>cooling failure: temperature drifts upwards while current stays normal;
 *   <li>stuck current sensor: current freezes while temperature keeps cycling.
 * </ul>
 *
 * Values depend only on (sensor, step, seed), so any split of the index range among parallel
 * generator subtasks produces the same readings.
 */
public final class SyntheticSensors implements java.io.Serializable {
  public static final List<String> FEATURES = List.of("temperature", "vibration", "current");
  public static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private final int sensors;
  private final int readings;
  private final long intervalMillis;
  private final long seed;

  /** A fault episode of one sensor, in steps (inclusive start, exclusive end) and event time. */
  public record Fault(
      String sensorId, String kind, int startStep, int endStep, long start, long end) {}

  public SyntheticSensors(int sensors, int readings, long intervalMillis, long seed) {
    this.sensors = sensors;
    this.readings = readings;
    this.intervalMillis = intervalMillis;
    this.seed = seed;
  }

  public int sensors() {
    return sensors;
  }

  public int readingsPerSensor() {
    return readings;
  }

  public long total() {
    return (long) sensors * readings;
  }

  public static String sensorId(int sensor) {
    return "machine-" + sensor;
  }

  public long timestamp(int step) {
    return T0 + step * intervalMillis;
  }

  /** Steps before the first fault of any sensor: history that is safe to train on. */
  public int normalPrefix() {
    return (int) (readings * 0.5);
  }

  public List<Fault> faults() {
    List<Fault> faults = new ArrayList<>();
    for (int s = 1; s < sensors; s++) {
      int start = normalPrefix() + (int) (readings * 0.1) + (s * 37) % Math.max(1, readings / 10);
      int length = Math.max(30, readings / 15);
      int end = Math.min(readings, start + length);
      faults.add(new Fault(sensorId(s), kind(s), start, end, timestamp(start), timestamp(end)));
    }
    return faults;
  }

  private static String kind(int sensor) {
    return switch (sensor % 3) {
      case 1 -> "bearing wear (vibration bursts)";
      case 2 -> "cooling failure (temperature drift)";
      default -> "stuck current sensor";
    };
  }

  /** The three values of {@code sensor} at {@code step}. */
  public float[] values(int sensor, int step) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + sensor * 7919L + step);
    double phase = sensor * 0.7;
    double cycle = Math.sin(2 * Math.PI * step / 120.0 + phase);
    double temperature = 60 + sensor + 5 * cycle + random.nextGaussian() * 0.3;
    double current = 10 + 2 * cycle + random.nextGaussian() * 0.1;
    double vibration =
        0.03 + 0.005 * Math.sin(2 * Math.PI * step / 17.0 + phase) + random.nextGaussian() * 0.001;
    for (Fault f : faults()) {
      if (!f.sensorId().equals(sensorId(sensor)) || step < f.startStep() || step >= f.endStep()) {
        continue;
      }
      int into = step - f.startStep();
      switch (sensor % 3) {
        case 1 -> vibration = 0.03 + (vibration - 0.03) * 4 + (into % 5 == 0 ? 0.03 : 0);
        case 2 -> temperature += 0.08 * into;
        default -> current = 10 + 2 * Math.sin(2 * Math.PI * f.startStep() / 120.0 + phase);
      }
    }
    return new float[] {(float) temperature, (float) vibration, (float) current};
  }

  /**
   * The JSON payload of reading {@code index} (sensor-major interleaving: step = index / sensors).
   */
  public byte[] payload(long index, int poisonEvery) {
    int sensor = (int) (index % sensors);
    int step = (int) (index / sensors);
    if (poisonEvery > 0 && index % poisonEvery == poisonEvery - 1) {
      return ("{\"sensorId\": \""
              + sensorId(sensor)
              + "\", \"ts\": "
              + timestamp(step)
              + ", \"values\": {broken")
          .getBytes(StandardCharsets.UTF_8);
    }
    float[] v = values(sensor, step);
    return String.format(
            Locale.ROOT,
            "{\"sensorId\":\"%s\",\"ts\":%d,\"values\":{\"temperature\":%.4f,\"vibration\":%.5f,\"current\":%.4f}}",
            sensorId(sensor),
            timestamp(step),
            v[0],
            v[1],
            v[2])
        .getBytes(StandardCharsets.UTF_8);
  }
}
