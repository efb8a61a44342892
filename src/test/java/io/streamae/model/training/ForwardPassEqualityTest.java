package io.streamae.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.BatchInference;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The allocation-free forward pass that scores windows equals DL4J's own output for the same
 * weights, for every mode, both activations and stacked layers.
 */
class ForwardPassEqualityTest {
  private static final float TOLERANCE = 1e-5f;

  static Stream<Arguments> specs() {
    return Stream.of(
        Arguments.of(
            AutoencoderSpec.lstm(9, 1, 8, List.of(20), CellActivation.RELU, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(
                12, 3, 2, List.of(16, 8), CellActivation.TANH, ModelMode.COMPOSITE)),
        Arguments.of(
            AutoencoderSpec.lstm(6, 2, 3, List.of(10), CellActivation.TANH, ModelMode.PREDICTION)),
        Arguments.of(
            AutoencoderSpec.lstm(
                7, 4, 0, List.of(12, 6, 4), CellActivation.RELU, ModelMode.RECONSTRUCTION)));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void javaForwardPassMatchesDl4j(AutoencoderSpec spec) {
    TrainingOptions options = TrainingOptions.builder().seed(5).build();
    LstmGraphNetwork graph = new LstmGraphNetwork(spec, options);
    // A few training steps so gates leave their initial regime (forget bias 1, zero biases).
    int n = 5;
    int size = spec.timesteps() * spec.features();
    int future = spec.predictedSteps() * spec.features();
    Random random = new Random(3);
    float[] windows = new float[n * size];
    float[] futures = new float[n * future];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < futures.length; i++) {
      futures[i] = (float) random.nextGaussian();
    }
    for (int step = 0; step < 20; step++) {
      graph.fit(windows, windows, futures, n);
    }
    float[][] expected = graph.output(windows, n);
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, graph.parameters());
    BatchInference inference = new BatchInference(network, n);
    inference.run(windows, n);

    int head = 0;
    if (spec.mode().reconstructs()) {
      assertAllClose(inference.reconstruction(), expected[head++], n * size);
    }
    if (spec.mode().predicts()) {
      assertAllClose(inference.prediction(), expected[head], n * future);
    }
  }

  private static void assertAllClose(float[] actual, float[] expected, int length) {
    assertThat(expected).hasSize(length);
    for (int i = 0; i < length; i++) {
      assertThat(actual[i]).as("value %s", i).isCloseTo(expected[i], within(TOLERANCE));
    }
  }
}
