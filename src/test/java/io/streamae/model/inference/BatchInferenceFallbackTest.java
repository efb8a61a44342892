package io.streamae.model.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardPath#AUTO} works and equals the reference whether or not {@code
 * jdk.incubator.vector} is present: in this JVM (which has it) with the vector kernel and with it
 * switched off, and in a child JVM started without the module, where {@link VectorForward} must not
 * even be loaded.
 */
class BatchInferenceFallbackTest {
  private static final AutoencoderSpec SPEC =
      AutoencoderSpec.lstm(12, 3, 2, List.of(20), CellActivation.TANH, ModelMode.COMPOSITE);

  @Test
  void autoUsesTheVectorKernelWhenAvailable() {
    assertThat(BatchInference.vectorKernelAvailable()).isTrue();
    assertAutoMatchesReference(true, 64, "vector", "vector");
  }

  @Test
  void autoFallsBackWithoutTheVectorKernel() {
    assertAutoMatchesReference(false, 64, "sequential", "lanewise");
  }

  @Test
  void vectorPathNeedsTheModule() {
    AutoencoderNetwork network = AutoencoderNetwork.of(SPEC, RandomParameters.of(SPEC, 1));
    assertThatThrownBy(() -> new BatchInference(network, 8, ForwardPath.VECTOR, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--add-modules jdk.incubator.vector");
  }

  /** A JVM without the module: AUTO scores correctly and never loads a vector class. */
  @Test
  void jvmWithoutTheModule() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xlog:class+load=info");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(NoVectorModuleCheck.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = new String(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains(NoVectorModuleCheck.RESULT + " available=false kernels=sequential,lanewise ok")
        .doesNotContain("io.streamae.model.inference.VectorForward")
        .doesNotContain("jdk.incubator.vector.");
  }

  private static void assertAutoMatchesReference(
      boolean vectorAvailable, int maxBatch, String smallKernel, String fullKernel) {
    AutoencoderNetwork network =
        AutoencoderNetwork.of(SPEC, FastForwardEqualityTest.scaled(SPEC, 8));
    BatchInference auto = new BatchInference(network, maxBatch, ForwardPath.AUTO, vectorAvailable);
    BatchInference reference = new BatchInference(network, maxBatch, ForwardPath.REFERENCE);
    Random random = new Random(2);
    for (int n : new int[] {1, 7, maxBatch}) {
      float[] windows = new float[n * SPEC.timesteps() * SPEC.features()];
      for (int i = 0; i < windows.length; i++) {
        windows[i] = (float) random.nextGaussian();
      }
      auto.run(windows, n);
      reference.run(windows, n);
      assertThat(auto.kernelFor(n)).isEqualTo(n == maxBatch ? fullKernel : smallKernel);
      FastForwardEqualityTest.assertSameOutputs(auto, reference, n);
    }
  }
}
