package io.streamae.model.inference;

/**
 * A forward pass over a batch of windows into caller-owned output arrays; one instance per thread,
 * allocation-free per call. Implemented here by the plain-Java kernels; code outside the package
 * plugs one in with {@link BatchInference#withKernel}.
 */
public interface ForwardKernel {
  /**
   * Runs the first {@code n} windows of {@code windows} ({@code [n, timesteps, features]},
   * row-major) and writes {@code [n, timesteps, features]} to {@code reconstruction} (when the
   * model reconstructs) and {@code [n, horizon, features]} to {@code prediction} (when it
   * predicts).
   */
  void run(float[] windows, int n, float[] reconstruction, float[] prediction);
}
