package io.streamae.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Keras reference example reproduced: every variant, both activations, fixed seed. */
class ReferenceExamplesTest {
  private static final float RECONSTRUCTION_TOLERANCE = 0.02f;
  private static final float PREDICTION_TOLERANCE = 0.04f;
  private static final long SEED = 42;

  @ParameterizedTest
  @EnumSource(CellActivation.class)
  void reconstructionVariantReturnsTheSequence(CellActivation activation) {
    var result =
        ReferenceExamples.run(ModelMode.RECONSTRUCTION, activation, SEED, ReferenceExamples.EPOCHS);
    assertClose(result.reconstruction(), ReferenceExamples.SEQUENCE, RECONSTRUCTION_TOLERANCE);
    assertThat(result.prediction()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(CellActivation.class)
  void predictionVariantReturnsTheNextSteps(CellActivation activation) {
    var result =
        ReferenceExamples.run(ModelMode.PREDICTION, activation, SEED, ReferenceExamples.EPOCHS);
    assertClose(result.prediction(), ReferenceExamples.shifted(), PREDICTION_TOLERANCE);
    assertThat(result.reconstruction()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(CellActivation.class)
  void compositeVariantDoesBoth(CellActivation activation) {
    var result =
        ReferenceExamples.run(ModelMode.COMPOSITE, activation, SEED, ReferenceExamples.EPOCHS);
    assertClose(result.reconstruction(), ReferenceExamples.SEQUENCE, RECONSTRUCTION_TOLERANCE);
    assertClose(result.prediction(), ReferenceExamples.shifted(), PREDICTION_TOLERANCE);
  }

  private static void assertClose(float[] actual, float[] expected, float tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i])
          .as("element %s of %s", i, ReferenceExamples.numpy(actual))
          .isCloseTo(expected[i], within(tolerance));
    }
  }
}
