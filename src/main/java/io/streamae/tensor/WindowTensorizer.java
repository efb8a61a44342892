package io.streamae.tensor;

import java.util.Arrays;

/**
 * Packs windows into a batch tensor {@code [samples, timesteps, features]} (row-major float array),
 * normalised with the model's statistics. One instance per scoring thread: the batch buffer is
 * reused, nothing is allocated per window.
 */
public final class WindowTensorizer {
  private final TensorLayout layout;
  private final Normalizer normalizer;
  private final float[] batch;
  private int samples;

  public WindowTensorizer(TensorLayout layout, Normalizer normalizer, int maxSamples) {
    if (normalizer.features() != layout.features()) {
      throw new IllegalArgumentException(
          String.format(
              "normalisation covers %s features, the layout has %s",
              normalizer.features(), layout.features()));
    }
    this.layout = layout;
    this.normalizer = normalizer;
    this.batch = new float[maxSamples * layout.windowSize()];
  }

  public void clear() {
    samples = 0;
  }

  /**
   * Appends a window of raw values {@code [timesteps, features]}.
   *
   * @throws IllegalArgumentException when the window does not fit the layout or the batch is full
   */
  public int add(float[] window) {
    int size = layout.windowSize();
    if (window.length != size) {
      throw new IllegalArgumentException(
          String.format(
              "window has %s values, the layout [%s, %s] needs %s",
              window.length, layout.timesteps(), layout.features(), size));
    }
    if ((samples + 1) * size > batch.length) {
      throw new IllegalArgumentException("batch is full at " + samples + " windows");
    }
    System.arraycopy(window, 0, batch, samples * size, size);
    normalizer.normalize(batch, samples * size, layout.timesteps());
    return samples++;
  }

  public int samples() {
    return samples;
  }

  /** The batch buffer; the first {@code samples() * windowSize} values are valid. */
  public float[] batch() {
    return batch;
  }

  /** The shape of the current batch, {@code [samples, timesteps, features]}. */
  public int[] shape() {
    return new int[] {samples, layout.timesteps(), layout.features()};
  }

  /** A copy of one normalised window, for tests and debugging. */
  public float[] window(int sample) {
    int size = layout.windowSize();
    return Arrays.copyOfRange(batch, sample * size, (sample + 1) * size);
  }
}
