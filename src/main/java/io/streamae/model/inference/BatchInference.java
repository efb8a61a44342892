package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;

/**
 * Scores many windows per call with reused buffers: the hot path of the scoring operator.
 *
 * <p>Input is {@code [n, timesteps, features]} row-major. After {@link #run}, the buffers hold
 * the reconstruction {@code [n, timesteps, features]}, the prediction {@code [n, horizon,
 * features]}, the per-window per-feature squared reconstruction error (mean over timesteps) {@code
 * [n, features]} and its mean over features per window {@code [n]}. Nothing is allocated per call;
 * an instance is not thread-safe (one per operator subtask).
 */
public final class BatchInference {
  private final AutoencoderNetwork network;
  private final AutoencoderNetwork.Workspace workspace;
  private final int maxBatch;
  private final int windowSize;
  private final int predictionSize;
  private final float[] reconstruction;
  private final float[] prediction;
  private final float[] featureErrors;
  private final float[] windowErrors;

  public BatchInference(AutoencoderNetwork network, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
    }
    AutoencoderSpec spec = network.spec();
    this.network = network;
    this.workspace = network.newWorkspace();
    this.maxBatch = maxBatch;
    this.windowSize = spec.timesteps() * spec.features();
    this.predictionSize = spec.predictedSteps() * spec.features();
    this.reconstruction = new float[spec.mode().reconstructs() ? maxBatch * windowSize : 0];
    this.prediction = new float[maxBatch * predictionSize];
    this.featureErrors = new float[maxBatch * spec.features()];
    this.windowErrors = new float[maxBatch];
  }

  public int maxBatch() {
    return maxBatch;
  }

  public AutoencoderSpec spec() {
    return network.spec();
  }

  /** Scores the first {@code n} windows of {@code windows}. */
  public void run(float[] windows, int n) {
    if (n < 0 || n > maxBatch) {
      throw new IllegalArgumentException(
          String.format("batch of %s windows, this scorer holds at most %s", n, maxBatch));
    }
    if (windows.length < n * windowSize) {
      throw new IllegalArgumentException(
          String.format(
              "%s windows need %s values, the array has %s", n, n * windowSize, windows.length));
    }
    AutoencoderSpec spec = network.spec();
    int features = spec.features();
    int steps = spec.timesteps();
    boolean reconstructs = spec.mode().reconstructs();
    for (int s = 0; s < n; s++) {
      int in = s * windowSize;
      network.forward(
          windows, in, reconstruction, in, prediction, s * predictionSize, workspace);
      float total = 0f;
      for (int f = 0; f < features; f++) {
        float sum = 0f;
        if (reconstructs) {
          for (int t = 0; t < steps; t++) {
            float d = windows[in + t * features + f] - reconstruction[in + t * features + f];
            sum += d * d;
          }
        }
        float mean = sum / steps;
        featureErrors[s * features + f] = mean;
        total += mean;
      }
      windowErrors[s] = total / features;
    }
  }

  public float[] reconstruction() {
    return reconstruction;
  }

  public float[] prediction() {
    return prediction;
  }

  public float[] featureErrors() {
    return featureErrors;
  }

  public float[] windowErrors() {
    return windowErrors;
  }
}
