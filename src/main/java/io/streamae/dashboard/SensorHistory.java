package io.streamae.dashboard;

import java.util.Arrays;

/**
 * The recent windows of one sensor, oldest first, in a ring of at most {@code capacity} entries
 * kept as primitive arrays (about {@code 21 + 12·features} bytes a window). The ring grows by
 * doubling up to its capacity, so a sensor with few windows costs little. Not thread-safe: {@link
 * FleetState} guards it.
 */
final class SensorHistory {
  private final int capacity;
  private final int features;
  private int size;
  private int head; // index of the oldest entry
  private long[] ts;
  private float[] score;
  private float[] reconstructionError;
  private float[] predictionError;
  private byte[] flags;
  private float[] values;
  private float[] expected;
  private float[] featureErrors;

  static final byte ANOMALOUS = 1;
  static final byte WARMING_UP = 2;

  SensorHistory(int capacity, int features) {
    this.capacity = capacity;
    this.features = features;
    allocate(Math.min(capacity, 16));
  }

  int size() {
    return size;
  }

  int features() {
    return features;
  }

  /**
   * Appends one window, dropping the oldest when full.
   *
   * @param values the window's last reading, or NaN per feature when the record has none
   * @param expected the model's earlier prediction for that reading's time, NaN when none
   */
  void add(
      long windowEnd,
      double windowScore,
      double recError,
      double predError,
      byte flag,
      float[] lastValues,
      float[] expectedValues,
      float[] errors) {
    if (size == ts.length && size < capacity) {
      grow();
    }
    int at;
    if (size < ts.length) {
      at = (head + size) % ts.length;
      size++;
    } else {
      at = head;
      head = (head + 1) % ts.length;
    }
    ts[at] = windowEnd;
    score[at] = (float) windowScore;
    reconstructionError[at] = (float) recError;
    predictionError[at] = (float) predError;
    flags[at] = flag;
    System.arraycopy(lastValues, 0, values, at * features, features);
    System.arraycopy(expectedValues, 0, expected, at * features, features);
    System.arraycopy(errors, 0, featureErrors, at * features, features);
  }

  private int slot(int i) {
    return (head + i) % ts.length;
  }

  long ts(int i) {
    return ts[slot(i)];
  }

  float score(int i) {
    return score[slot(i)];
  }

  float reconstructionError(int i) {
    return reconstructionError[slot(i)];
  }

  float predictionError(int i) {
    return predictionError[slot(i)];
  }

  boolean anomalous(int i) {
    return (flags[slot(i)] & ANOMALOUS) != 0;
  }

  boolean warmingUp(int i) {
    return (flags[slot(i)] & WARMING_UP) != 0;
  }

  float value(int i, int f) {
    return values[slot(i) * features + f];
  }

  float expected(int i, int f) {
    return expected[slot(i) * features + f];
  }

  float featureError(int i, int f) {
    return featureErrors[slot(i) * features + f];
  }

  /** Entries held now, for the memory bound: the arrays' length, not the entries used. */
  int allocated() {
    return ts.length;
  }

  private void grow() {
    int n = Math.min(capacity, ts.length * 2);
    long[] oldTs = ts;
    float[] oldScore = score;
    float[] oldRec = reconstructionError;
    float[] oldPred = predictionError;
    byte[] oldFlags = flags;
    float[] oldValues = values;
    float[] oldExpected = expected;
    float[] oldFeatureErrors = featureErrors;
    int oldLength = oldTs.length;
    allocate(n);
    for (int i = 0; i < size; i++) {
      int from = (head + i) % oldLength;
      ts[i] = oldTs[from];
      score[i] = oldScore[from];
      reconstructionError[i] = oldRec[from];
      predictionError[i] = oldPred[from];
      flags[i] = oldFlags[from];
      System.arraycopy(oldValues, from * features, values, i * features, features);
      System.arraycopy(oldExpected, from * features, expected, i * features, features);
      System.arraycopy(oldFeatureErrors, from * features, featureErrors, i * features, features);
    }
    head = 0;
  }

  private void allocate(int n) {
    ts = new long[n];
    score = new float[n];
    reconstructionError = new float[n];
    predictionError = new float[n];
    flags = new byte[n];
    values = new float[n * features];
    expected = new float[n * features];
    featureErrors = new float[n * features];
  }

  @Override
  public String toString() {
    return String.format(
        "SensorHistory[%d of %d, features %d, ts %s]",
        size,
        capacity,
        features,
        size == 0 ? "-" : ts(0) + ".." + ts(size - 1) + " " + Arrays.toString(new int[] {head}));
  }
}
