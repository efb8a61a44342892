package io.streamae.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A labelled multivariate benchmark: synthetic machines with four correlated channels whose faults
 * last minutes to hours, one of six kinds each. Used by {@code evaluate --source generator};
 * deterministic in (machine, step, seed).
 *
 * <p>Normal behaviour, per machine: a load cycle of {@value #CYCLE} steps drives current and,
 * lagged, temperature; pressure follows current; vibration has its own fast cycle. The channels are
 * on very different scales and noise levels (vibration's noise is a thousandth of temperature's),
 * so a fault in a quiet channel must not drown in a noisy one.
 *
 * <p>After {@link #normalPrefix()} normal steps (the training rows), each machine gets faults
 * separated by normal stretches, cycling through the kinds so every kind appears on several
 * machines and channels:
 *
 * <ul>
 *   <li>{@link Kind#DRIFT}: a channel drifts away linearly, reaching 3 noise units a fifth of the
 *       way in;
 *   <li>{@link Kind#STEP}: a channel jumps by half its cycle amplitude;
 *   <li>{@link Kind#STUCK}: a channel freezes at its value at onset;
 *   <li>{@link Kind#VARIANCE}: a channel's noise grows fivefold;
 *   <li>{@link Kind#SPIKES}: bursts of spikes of 8 noise units every few steps;
 *   <li>{@link Kind#DECORRELATION}: current runs half a cycle out of phase with the load, so each
 *       channel stays within its range but their relation breaks.
 * </ul>
 *
 * Every step of a fault is labelled 1, from its first step to its last, including the early steps
 * of a drift that no detector can yet see.
 */
public final class FaultScenarios {
  public static final List<String> FEATURES =
      List.of("temperature", "vibration", "current", "pressure");
  public static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final int CYCLE = 120;

  /** Per channel: mean, cycle amplitude, noise standard deviation. */
  private static final double[] MEAN = {60, 0.03, 10, 3.0};

  private static final double[] AMPLITUDE = {5, 0.005, 2, 0.4};
  private static final double[] NOISE = {0.3, 0.0008, 0.1, 0.05};

  /** The six kinds of fault. */
  public enum Kind {
    DRIFT,
    STEP,
    STUCK,
    VARIANCE,
    SPIKES,
    DECORRELATION;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A fault of one machine: steps {@code [start, end)} of channel {@code feature}. */
  public record Fault(int machine, Kind kind, int feature, int start, int end) {}

  private final int machines;
  private final int steps;
  private final long intervalMs;
  private final long seed;
  private final List<Fault> faults;

  /**
   * @param machines number of machines
   * @param steps readings per machine
   * @param intervalMs event-time spacing of readings
   * @param seed noise and fault placement
   */
  public FaultScenarios(int machines, int steps, long intervalMs, long seed) {
    if (machines < 1 || steps < 2000) {
      throw new IllegalArgumentException(
          String.format("need at least 1 machine and 2000 steps, got %s and %s", machines, steps));
    }
    this.machines = machines;
    this.steps = steps;
    this.intervalMs = intervalMs;
    this.seed = seed;
    this.faults = placeFaults();
  }

  public int machines() {
    return machines;
  }

  public int steps() {
    return steps;
  }

  public static String machineId(int machine) {
    return String.format(Locale.ROOT, "rig-%02d", machine);
  }

  public long timestamp(int step) {
    return T0 + step * intervalMs;
  }

  /** Steps before the first fault: the rows to train on. */
  public int normalPrefix() {
    return steps / 4;
  }

  public List<Fault> faults() {
    return faults;
  }

  private List<Fault> placeFaults() {
    List<Fault> out = new ArrayList<>();
    Kind[] kinds = Kind.values();
    int next = 0;
    for (int m = 0; m < machines; m++) {
      SplittableRandom random = new SplittableRandom(seed * 31 + m);
      int at = normalPrefix() + 150 + random.nextInt(150);
      while (true) {
        Kind kind = kinds[(next++) % kinds.length];
        int length = 30 + random.nextInt(211); // 30 to 240 steps: half an hour to four hours
        if (at + length >= steps - 50) {
          break;
        }
        int feature = kind == Kind.DECORRELATION ? 2 : random.nextInt(FEATURES.size());
        out.add(new Fault(m, kind, feature, at, at + length));
        at += length + 250 + random.nextInt(250);
      }
    }
    return List.copyOf(out);
  }

  /** 1 where a fault of {@code machine} covers {@code step}. */
  public int label(int machine, int step) {
    for (Fault f : faults) {
      if (f.machine() == machine && step >= f.start() && step < f.end()) {
        return 1;
      }
    }
    return 0;
  }

  /** The four values of {@code machine} at {@code step}. */
  public double[] values(int machine, int step) {
    double[] v = new double[FEATURES.size()];
    Fault fault = null;
    for (Fault f : faults) {
      if (f.machine() == machine && step >= f.start() && step < f.end()) {
        fault = f;
      }
    }
    int source = fault != null && fault.kind() == Kind.STUCK ? fault.start() : step;
    double phase = machine * 0.9;
    double load = Math.sin(2 * Math.PI * source / CYCLE + phase);
    double lagged = Math.sin(2 * Math.PI * (source - 6) / CYCLE + phase);
    double currentLoad = load;
    if (fault != null && fault.kind() == Kind.DECORRELATION) {
      currentLoad = Math.sin(2 * Math.PI * source / CYCLE + phase + Math.PI);
    }
    double[] noise = noise(machine, source);
    v[0] = MEAN[0] + AMPLITUDE[0] * lagged + noise[0];
    v[1] = MEAN[1] + AMPLITUDE[1] * Math.sin(2 * Math.PI * source / 17.0 + phase) + noise[1];
    v[2] = MEAN[2] + AMPLITUDE[2] * currentLoad + noise[2];
    v[3] = MEAN[3] + AMPLITUDE[3] * currentLoad + noise[3];
    if (fault == null || fault.kind() == Kind.STUCK || fault.kind() == Kind.DECORRELATION) {
      return v;
    }
    int c = fault.feature();
    int into = step - fault.start();
    int length = fault.end() - fault.start();
    switch (fault.kind()) {
      case DRIFT -> v[c] += NOISE[c] * 3 * into / Math.max(1.0, 0.2 * length);
      case STEP -> v[c] += 0.5 * AMPLITUDE[c] + 4 * NOISE[c];
      case VARIANCE -> v[c] += 4 * noise[c];
      case SPIKES -> v[c] += into % 4 == 0 ? 8 * NOISE[c] : 0;
      default -> throw new IllegalStateException("unhandled fault kind " + fault.kind());
    }
    return v;
  }

  private double[] noise(int machine, int step) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + machine * 7919L + step);
    double[] n = new double[NOISE.length];
    for (int c = 0; c < n.length; c++) {
      n[c] = random.nextGaussian() * NOISE[c];
    }
    return n;
  }

  /**
   * One machine as CSV: {@code timestamp,temperature,vibration,current,pressure,label}, one row per
   * step, timestamps in epoch ms.
   */
  public String csv(int machine) {
    StringBuilder sb = new StringBuilder(steps * 64);
    sb.append("timestamp,").append(String.join(",", FEATURES)).append(",label\n");
    for (int s = 0; s < steps; s++) {
      double[] v = values(machine, s);
      sb.append(timestamp(s));
      for (double x : v) {
        sb.append(',').append(String.format(Locale.ROOT, "%.5f", x));
      }
      sb.append(',').append(label(machine, s)).append('\n');
    }
    return sb.toString();
  }
}
