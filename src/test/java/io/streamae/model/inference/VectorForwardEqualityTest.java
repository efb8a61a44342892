package io.streamae.model.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.training.AutoencoderGraphFactory;
import io.streamae.model.training.Dl4jParameters;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VectorForward} equals the per-window {@link ReferenceForward} to 1e-5 — reconstruction,
 * prediction and the errors — for every mode, both cell activations, stacked layers, hidden sizes
 * that fill no whole vector or several, more output features than one vector holds, and full and
 * partial batches of one instance (whose register blocks of four windows leave remainders). A
 * window's outputs are bit for bit the same whichever batch, position and block it is scored in.
 */
class VectorForwardEqualityTest {

  /** Windows per call, all on one instance of 256: full, partial, and each block remainder. */
  private static final int[] CALLS = {256, 1, 7, 64, 255, 2, 3, 256};

  @BeforeAll
  static void moduleIsPresent() {
    // The build starts test JVMs with --add-modules jdk.incubator.vector; without it this class
    // would test nothing.
    assertThat(BatchInference.vectorKernelAvailable()).as("jdk.incubator.vector present").isTrue();
  }

  static Stream<Arguments> specs() {
    return Stream.of(
        // Config B of the benchmark, and A (100 units: six full vectors and a partial one).
        Arguments.of(
            AutoencoderSpec.lstm(32, 8, 1, List.of(64), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(9, 1, 8, List.of(100), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(
                10, 4, 0, List.of(24), CellActivation.TANH, ModelMode.RECONSTRUCTION)),
        Arguments.of(
            AutoencoderSpec.lstm(6, 2, 3, List.of(10), CellActivation.TANH, ModelMode.PREDICTION)),
        Arguments.of(
            AutoencoderSpec.lstm(9, 1, 8, List.of(20), CellActivation.RELU, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(
                12, 3, 2, List.of(32, 16), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(
                7, 4, 0, List.of(12, 6, 5), CellActivation.RELU, ModelMode.RECONSTRUCTION)),
        Arguments.of(
            AutoencoderSpec.lstm(
                5, 3, 2, List.of(7, 3), CellActivation.RELU, ModelMode.PREDICTION)),
        // 17 features: the output dense spans two vectors; one step, one unit.
        Arguments.of(
            AutoencoderSpec.lstm(4, 17, 2, List.of(40), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(1, 1, 1, List.of(1), CellActivation.TANH, ModelMode.COMPOSITE)));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void matchesTheReference(AutoencoderSpec spec) {
    AutoencoderNetwork network =
        AutoencoderNetwork.of(spec, FastForwardEqualityTest.scaled(spec, 13));
    assertCallsAgree(network, 256, CALLS, 21);
  }

  /** Weights as DL4J initialises them for config B, the production shape. */
  @Test
  void dl4jInitialisedConfigB() {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(32, 8, 1, List.of(64), CellActivation.TANH, ModelMode.COMPOSITE);
    var graph =
        AutoencoderGraphFactory.create(
            spec, 7, AutoencoderGraphFactory.Optimizer.kerasAdam(), new double[] {1, 1});
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, Dl4jParameters.extract(graph, spec));
    assertCallsAgree(network, 256, CALLS, 3);
  }

  /** Saturated gates and large cell values (weights three times the usual scale), both cells. */
  @ParameterizedTest
  @MethodSource("activations")
  void saturatedGates(CellActivation activation) {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(16, 2, 4, List.of(24), activation, ModelMode.COMPOSITE);
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, RandomParameters.of(spec, 5));
    assertCallsAgree(network, 64, new int[] {64, 5, 1, 63}, 9);
  }

  static Stream<CellActivation> activations() {
    return Stream.of(CellActivation.TANH, CellActivation.RELU);
  }

  /** Instances sized for exactly the batch: 1, 7, 64 and 256 windows. */
  @Test
  void exactBatchSizes() {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(32, 8, 1, List.of(64), CellActivation.TANH, ModelMode.COMPOSITE);
    AutoencoderNetwork network =
        AutoencoderNetwork.of(spec, FastForwardEqualityTest.scaled(spec, 4));
    for (int n : new int[] {1, 7, 64, 256}) {
      assertCallsAgree(network, n, new int[] {n}, n);
    }
  }

  /**
   * Thresholds are calibrated on batches and applied to single windows, and a window whose error
   * equals the threshold must not flip: the kernel sums every window in the same order, whatever
   * block (four, two or one windows) it falls into.
   */
  @Test
  void aWindowScoresTheSameInAnyBatch() {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(12, 2, 1, List.of(20), CellActivation.TANH, ModelMode.COMPOSITE);
    AutoencoderNetwork network =
        AutoencoderNetwork.of(spec, FastForwardEqualityTest.scaled(spec, 6));
    int size = spec.timesteps() * spec.features();
    int n = 11;
    float[] windows = new float[n * size];
    Random random = new Random(12);
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) random.nextGaussian();
    }
    BatchInference batch = new BatchInference(network, 16, ForwardPath.VECTOR);
    batch.run(windows, n);
    float[] reversed = new float[n * size];
    for (int s = 0; s < n; s++) {
      System.arraycopy(windows, s * size, reversed, (n - 1 - s) * size, size);
    }
    BatchInference other = new BatchInference(network, 16, ForwardPath.VECTOR);
    other.run(reversed, n);
    BatchInference single = new BatchInference(network, 1, ForwardPath.VECTOR);
    int predicted = spec.predictedSteps() * spec.features();
    for (int s = 0; s < n; s++) {
      single.run(Arrays.copyOfRange(windows, s * size, (s + 1) * size), 1);
      float[] reconstruction = Arrays.copyOf(single.reconstruction(), size);
      float[] prediction = Arrays.copyOf(single.prediction(), predicted);
      float error = single.windowErrors()[0];
      // Position s of the first batch, position n - 1 - s of the reversed one.
      for (int i = 0; i < 2; i++) {
        BatchInference in = i == 0 ? batch : other;
        int at = i == 0 ? s : n - 1 - s;
        String label = String.format("window %s at position %s", s, at);
        assertThat(Arrays.copyOfRange(in.reconstruction(), at * size, (at + 1) * size))
            .as(label)
            .containsExactly(reconstruction);
        assertThat(Arrays.copyOfRange(in.prediction(), at * predicted, (at + 1) * predicted))
            .as(label)
            .containsExactly(prediction);
        assertThat(in.windowErrors()[at]).as(label).isEqualTo(error);
      }
    }
  }

  private static void assertCallsAgree(
      AutoencoderNetwork network, int maxBatch, int[] calls, long seed) {
    AutoencoderSpec spec = network.spec();
    BatchInference reference = new BatchInference(network, maxBatch, ForwardPath.REFERENCE);
    BatchInference vector = new BatchInference(network, maxBatch, ForwardPath.VECTOR);
    BatchInference auto = new BatchInference(network, maxBatch, ForwardPath.AUTO);
    Random random = new Random(seed);
    for (int n : calls) {
      float[] windows = new float[n * spec.timesteps() * spec.features()];
      for (int i = 0; i < windows.length; i++) {
        windows[i] = (float) random.nextGaussian();
      }
      reference.run(windows, n);
      vector.run(windows, n);
      auto.run(windows, n);
      assertThat(auto.kernelFor(n)).isEqualTo("vector");
      FastForwardEqualityTest.assertSameOutputs(vector, reference, n);
      FastForwardEqualityTest.assertSameOutputs(auto, reference, n);
    }
  }
}
