package io.streamae.model.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.training.AutoencoderGraphFactory;
import io.streamae.model.training.Dl4jParameters;
import io.streamae.model.training.Nd4jForward;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched kernels ({@link SequentialForward}, {@link LanewiseForward}, {@link VectorForward},
 * and the comparison path {@link Nd4jForward}) equal the per-window {@link ReferenceForward} to
 * 1e-5 — reconstruction, prediction and the errors derived from them — for stacked layers, both
 * cell activations, every mode and batch sizes 1, 7, 64 and 256; {@link ForwardPath#AUTO} both with
 * and without the vector kernel.
 */
class FastForwardEqualityTest {
  private static final float TOLERANCE = 1e-5f;
  private static final int[] BATCHES = {1, 7, 64, 256};

  static Stream<Arguments> specs() {
    return Stream.of(
        // Config A and B of the benchmark.
        Arguments.of(
            AutoencoderSpec.lstm(9, 1, 8, List.of(100), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(32, 8, 1, List.of(64), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(9, 1, 8, List.of(20), CellActivation.RELU, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(
                12, 3, 2, List.of(16, 8), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(6, 2, 3, List.of(10), CellActivation.TANH, ModelMode.PREDICTION)),
        Arguments.of(
            AutoencoderSpec.lstm(
                7, 4, 0, List.of(12, 6, 5), CellActivation.RELU, ModelMode.RECONSTRUCTION)),
        // Odd sizes exercise every remainder loop; one step, one feature, one unit.
        Arguments.of(
            AutoencoderSpec.lstm(1, 1, 1, List.of(1), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(
                5, 3, 2, List.of(7, 3), CellActivation.RELU, ModelMode.PREDICTION)));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void kernelsMatchTheReference(AutoencoderSpec spec) {
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, scaled(spec, 11));
    assertPathsAgree(network, 5);
  }

  /** Weights as DL4J initialises them for the benchmark's config B, the production shape. */
  @Test
  void dl4jInitialisedConfigB() {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(32, 8, 1, List.of(64), CellActivation.TANH, ModelMode.COMPOSITE);
    var graph =
        AutoencoderGraphFactory.create(
            spec, 7, AutoencoderGraphFactory.Optimizer.kerasAdam(), new double[] {1, 1});
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, Dl4jParameters.extract(graph, spec));
    assertPathsAgree(network, 3);
  }

  /** Saturated gates and large cell values: weights three times the usual scale. */
  @Test
  void saturatedGates() {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(16, 2, 4, List.of(24), CellActivation.TANH, ModelMode.COMPOSITE);
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, RandomParameters.of(spec, 5));
    assertPathsAgree(network, 9);
  }

  /** Consecutive calls with different batch sizes leave no state behind. */
  @Test
  void stateDoesNotLeakBetweenCalls() {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(8, 2, 2, List.of(12, 6), CellActivation.TANH, ModelMode.COMPOSITE);
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, scaled(spec, 3));
    BatchInference reference = new BatchInference(network, 64, ForwardPath.REFERENCE);
    List<BatchInference> fast = fastPaths(network, 64);
    Random random = new Random(17);
    // Without the vector kernel, 50 of 64 runs AUTO's lanewise kernel with padding lanes, 40 its
    // sequential one; the vector kernel computes only the windows of the call.
    for (int n : new int[] {64, 3, 1, 50, 40, 64, 9}) {
      float[] windows = windows(n * spec.timesteps() * spec.features(), random);
      reference.run(windows, n);
      for (BatchInference candidate : fast) {
        candidate.run(windows, n);
        assertSameOutputs(candidate, reference, n);
      }
    }
  }

  private static void assertPathsAgree(AutoencoderNetwork network, long seed) {
    AutoencoderSpec spec = network.spec();
    for (int n : BATCHES) {
      float[] windows = windows(n * spec.timesteps() * spec.features(), new Random(seed + n));
      BatchInference reference = new BatchInference(network, n, ForwardPath.REFERENCE);
      reference.run(windows, n);
      assertThat(reference.windowErrors()[0]).isFinite();
      for (BatchInference candidate : fastPaths(network, n)) {
        candidate.run(windows, n);
        assertSameOutputs(candidate, reference, n);
      }
    }
  }

  private static List<BatchInference> fastPaths(AutoencoderNetwork network, int maxBatch) {
    List<BatchInference> paths = new ArrayList<>();
    for (ForwardPath path :
        new ForwardPath[] {ForwardPath.SEQUENTIAL, ForwardPath.LANEWISE, ForwardPath.AUTO}) {
      paths.add(new BatchInference(network, maxBatch, path));
    }
    paths.add(Nd4jForward.batchInference(network, maxBatch));
    if (BatchInference.vectorKernelAvailable()) {
      paths.add(new BatchInference(network, maxBatch, ForwardPath.VECTOR));
    }
    // AUTO as it runs in a JVM without jdk.incubator.vector.
    paths.add(new BatchInference(network, maxBatch, ForwardPath.AUTO, false));
    return paths;
  }

  /** Every output of the first {@code n} windows within {@link #TOLERANCE}. */
  static void assertSameOutputs(BatchInference actual, BatchInference expected, int n) {
    AutoencoderSpec spec = expected.spec();
    String label =
        String.format("%s (%s), %s, batch %s", actual.path(), actual.kernelFor(n), spec, n);
    if (spec.mode().reconstructs()) {
      assertClose(
          actual.reconstruction(),
          expected.reconstruction(),
          n * spec.timesteps() * spec.features(),
          label + ", reconstruction");
    }
    if (spec.mode().predicts()) {
      assertClose(
          actual.prediction(),
          expected.prediction(),
          n * spec.predictedSteps() * spec.features(),
          label + ", prediction");
    }
    assertClose(
        actual.featureErrors(),
        expected.featureErrors(),
        n * spec.features(),
        label + ", feature errors");
    assertClose(actual.windowErrors(), expected.windowErrors(), n, label + ", window errors");
  }

  private static void assertClose(float[] actual, float[] expected, int length, String what) {
    for (int i = 0; i < length; i++) {
      assertThat(actual[i]).as("%s [%s]", what, i).isCloseTo(expected[i], within(TOLERANCE));
    }
  }

  private static float[] windows(int size, Random random) {
    float[] w = new float[size];
    for (int i = 0; i < size; i++) {
      w[i] = (float) random.nextGaussian();
    }
    return w;
  }

  /**
   * Random parameters at the scale of Xavier initialisation (standard deviation {@code 1 /
   * sqrt(fan-in)}), so activations stay in the range trained models see.
   */
  static ParameterSet scaled(AutoencoderSpec spec, long seed) {
    ParameterSet raw = RandomParameters.of(spec, seed);
    ParameterSet out = new ParameterSet();
    for (NamedArray a : raw.arrays()) {
      float factor = (float) (1.0 / (0.3 * Math.sqrt(Math.max(1, a.rows()))));
      float[] data = a.data().clone();
      for (int i = 0; i < data.length; i++) {
        data[i] *= factor;
      }
      out.add(new NamedArray(a.name(), a.shape(), data));
    }
    return out;
  }
}
