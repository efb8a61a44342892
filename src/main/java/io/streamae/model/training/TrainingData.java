package io.streamae.model.training;

/**
 * Windows to train on, already normalised.
 *
 * @param windows {@code [count, timesteps, features]} row-major
 * @param futures {@code [count, horizon, features]}: the steps that follow each window, the
 *     prediction head's target (empty when the model does not predict)
 */
public record TrainingData(
    int count, int timesteps, int features, int horizon, float[] windows, float[] futures) {
  public TrainingData {
    if (count < 1) {
      throw new IllegalArgumentException("no training windows");
    }
    if (windows.length != count * timesteps * features) {
      throw new IllegalArgumentException(
          String.format(
              "%s windows of [%s, %s] need %s values, got %s",
              count, timesteps, features, count * timesteps * features, windows.length));
    }
    if (futures.length != count * horizon * features) {
      throw new IllegalArgumentException(
          String.format(
              "%s futures of [%s, %s] need %s values, got %s",
              count, horizon, features, count * horizon * features, futures.length));
    }
  }

  /**
   * Sliding windows of {@code timesteps} rows with slide 1 over a series {@code [rows, features]},
   * each with the {@code horizon} rows that follow it.
   */
  public static TrainingData slidingWindows(
      float[] series, int rows, int features, int timesteps, int horizon) {
    int count = rows - timesteps - horizon + 1;
    if (count < 1) {
      throw new IllegalArgumentException(
          String.format(
              "%s rows are too few for windows of %s steps plus %s predicted steps",
              rows, timesteps, horizon));
    }
    int w = timesteps * features;
    int p = horizon * features;
    float[] windows = new float[count * w];
    float[] futures = new float[count * p];
    for (int s = 0; s < count; s++) {
      System.arraycopy(series, s * features, windows, s * w, w);
      System.arraycopy(series, (s + timesteps) * features, futures, s * p, p);
    }
    return new TrainingData(count, timesteps, features, horizon, windows, futures);
  }

  /** Every {@code stride}-th window, starting with the first. */
  public TrainingData strided(int stride) {
    if (stride == 1) {
      return this;
    }
    int kept = (count + stride - 1) / stride;
    int w = timesteps * features;
    int p = horizon * features;
    float[] ws = new float[kept * w];
    float[] fs = new float[kept * p];
    for (int i = 0; i < kept; i++) {
      System.arraycopy(windows, i * stride * w, ws, i * w, w);
      System.arraycopy(futures, i * stride * p, fs, i * p, p);
    }
    return new TrainingData(kept, timesteps, features, horizon, ws, fs);
  }
}
