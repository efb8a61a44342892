package io.streamae.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.inference.NamedArray;
import io.streamae.model.inference.ParameterSet;
import io.streamae.model.io.ModelBundle;
import io.streamae.testkit.TestModels;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fine-tuning starts from the parent's weights and writes a version that names its parent. */
class FineTuneTest {
  private static final int T = 8;
  private static ModelBundle parent;
  private static TrainingData windows;

  @BeforeAll
  static void trainParent() {
    parent = TestModels.sineBundle(T, 4, 8, "fleet", "1");
    var history = TestModels.sineHistory(List.of("s-1", "s-2"), 300);
    windows = TrainingRunner.windows(history, parent.normalizer(), T, 1, 1);
  }

  private static TrainingRunner.Outcome fineTune(double learningRate, int epochs) {
    return TrainingRunner.fineTune(
        new TrainingRunner.FineTuneRequest(
            parent,
            windows,
            TrainingOptions.builder()
                .epochs(epochs)
                .batchSize(32)
                .learningRate(learningRate)
                .validationFraction(0.2)
                .seed(5)
                .build(),
            "2",
            "sine windows",
            Map.of("trigger", "drift")));
  }

  private static double maxDifference(ParameterSet a, ParameterSet b) {
    double max = 0;
    Iterator<NamedArray> j = b.arrays().iterator();
    for (NamedArray x : a.arrays()) {
      NamedArray y = j.next();
      assertThat(y.name()).isEqualTo(x.name());
      for (int k = 0; k < x.data().length; k++) {
        max = Math.max(max, Math.abs(x.data()[k] - y.data()[k]));
      }
    }
    return max;
  }

  @Test
  void trainingStartsFromTheParentsWeights() {
    // One epoch at a negligible learning rate: the weights stay where they started.
    ParameterSet tuned = fineTune(1e-7, 1).bundle().network().parameters();
    assertThat(maxDifference(tuned, parent.network().parameters())).isLessThan(1e-4);
    // A fresh network trained the same way starts elsewhere.
    ParameterSet fresh =
        AutoencoderTrainer.train(
                parent.metadata().architecture(),
                windows,
                TrainingOptions.builder().epochs(1).learningRate(1e-7).seed(5).build())
            .network()
            .parameters();
    assertThat(maxDifference(fresh, parent.network().parameters())).isGreaterThan(1e-2);
  }

  @Test
  void theNewVersionKeepsItsParentsNormalisationAndNamesItsParentAndData() {
    ModelBundle tuned = fineTune(0.003, 2).bundle();
    assertThat(tuned.metadata().modelId()).isEqualTo("fleet");
    assertThat(tuned.versionLabel()).isEqualTo("fleet:2");
    assertThat(tuned.normalizer()).isEqualTo(parent.normalizer());
    assertThat(tuned.metadata().calibration().method())
        .isEqualTo(parent.metadata().calibration().method());
    assertThat(tuned.metadata().calibration().validation().count())
        .isEqualTo((long) Math.floor(windows.count() * 0.2));
    assertThat(tuned.metadata().training().options())
        .containsEntry("fineTunedFrom", "fleet:1")
        .containsEntry("trigger", "drift");
    assertThat(tuned.metadata().training().dataSha256())
        .isEqualTo(TrainingRunner.windowsSha256(windows))
        .hasSize(64);
    assertThat(tuned.metadata().training().dataSource()).isEqualTo("sine windows");
  }
}
