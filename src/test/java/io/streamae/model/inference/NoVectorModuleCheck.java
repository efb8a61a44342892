package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import java.util.List;
import java.util.Random;

/**
 * Run by {@link BatchInferenceFallbackTest} in a JVM without {@code jdk.incubator.vector}: scores
 * with {@link ForwardPath#AUTO} and the reference and prints one line with the outcome.
 */
public final class NoVectorModuleCheck {
  static final String RESULT = "no-vector-module-check";

  private NoVectorModuleCheck() {}

  public static void main(String[] args) {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(6, 2, 1, List.of(10), CellActivation.TANH, ModelMode.COMPOSITE);
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, RandomParameters.of(spec, 3));
    int maxBatch = 64;
    BatchInference auto = new BatchInference(network, maxBatch);
    BatchInference reference = new BatchInference(network, maxBatch, ForwardPath.REFERENCE);
    Random random = new Random(4);
    StringBuilder kernels = new StringBuilder();
    boolean ok = true;
    for (int n : new int[] {3, maxBatch}) {
      float[] windows = new float[n * spec.timesteps() * spec.features()];
      for (int i = 0; i < windows.length; i++) {
        windows[i] = (float) random.nextGaussian();
      }
      auto.run(windows, n);
      reference.run(windows, n);
      for (int i = 0; i < n * spec.timesteps() * spec.features(); i++) {
        ok &= Math.abs(auto.reconstruction()[i] - reference.reconstruction()[i]) <= 1e-5f;
      }
      for (int i = 0; i < n * spec.features(); i++) {
        ok &= Math.abs(auto.prediction()[i] - reference.prediction()[i]) <= 1e-5f;
      }
      kernels.append(kernels.length() == 0 ? "" : ",").append(auto.kernelFor(n));
    }
    System.out.println(
        RESULT
            + " available="
            + BatchInference.vectorKernelAvailable()
            + " kernels="
            + kernels
            + (ok ? " ok" : " MISMATCH"));
  }
}
