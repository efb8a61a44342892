package io.streamae.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.inference.BatchInference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoencoderTrainerTest {
  private static final AutoencoderSpec SPEC =
      AutoencoderSpec.lstm(8, 1, 1, List.of(8), CellActivation.TANH, ModelMode.COMPOSITE);

  private static TrainingData sine(int rows) {
    float[] series = new float[rows];
    for (int i = 0; i < rows; i++) {
      series[i] = (float) Math.sin(i * 0.3);
    }
    return TrainingData.slidingWindows(series, rows, 1, 8, 1);
  }

  @Test
  void sameSeedSameModel() {
    TrainingOptions options = TrainingOptions.builder().epochs(2).batchSize(16).seed(3).build();
    var a = AutoencoderTrainer.train(SPEC, sine(120), options);
    var b = AutoencoderTrainer.train(SPEC, sine(120), options);
    assertThat(a.network().parameters()).isEqualTo(b.network().parameters());
    var c =
        AutoencoderTrainer.train(
            SPEC, sine(120), TrainingOptions.builder().epochs(2).batchSize(16).seed(4).build());
    assertThat(c.network().parameters()).isNotEqualTo(a.network().parameters());
  }

  @Test
  void progressIsReportedEveryEpochAndValidationIsTheNewestWindows() {
    List<EpochStats> seen = new ArrayList<>();
    TrainingData data = sine(120); // 112 windows
    var result =
        AutoencoderTrainer.train(
            SPEC,
            data,
            TrainingOptions.builder()
                .epochs(3)
                .batchSize(16)
                .validationFraction(0.25)
                .listener(seen::add)
                .build());
    assertThat(seen)
        .hasSize(3)
        .allSatisfy(
            s -> {
              assertThat(s.validationLoss()).isFinite();
              assertThat(s.windowsPerSecond()).isPositive();
              assertThat(s.epochs()).isEqualTo(3);
            });
    assertThat(result.validationWindows()).isEqualTo(28);
    assertThat(result.trainingWindows()).isEqualTo(84);
  }

  @Test
  void trainingLowersTheError() {
    TrainingData data = sine(200);
    var brief =
        AutoencoderTrainer.train(
            SPEC,
            data,
            TrainingOptions.builder()
                .epochs(1)
                .batchSize(32)
                .learningRate(0.01)
                .validationFraction(0)
                .build());
    var longer =
        AutoencoderTrainer.train(
            SPEC,
            data,
            TrainingOptions.builder()
                .epochs(25)
                .batchSize(32)
                .learningRate(0.01)
                .validationFraction(0)
                .build());
    assertThat(meanError(longer, data)).isLessThan(meanError(brief, data) * 0.5);
  }

  @Test
  void earlyStoppingKeepsTheBestEpoch() {
    // A learning rate this high makes validation loss bounce, so patience 1 stops early.
    List<EpochStats> seen = new ArrayList<>();
    var result =
        AutoencoderTrainer.train(
            SPEC,
            sine(160),
            TrainingOptions.builder()
                .epochs(20)
                .batchSize(16)
                .learningRate(0.2)
                .validationFraction(0.3)
                .earlyStoppingPatience(1)
                .listener(seen::add)
                .build());
    double best = seen.stream().mapToDouble(EpochStats::validationLoss).min().orElseThrow();
    assertThat(seen.size()).isLessThan(20);
    assertThat(seen.get(result.bestEpoch() - 1).validationLoss()).isEqualTo(best);
    assertThat(result.finalValidationLoss()).isEqualTo(best);
  }

  @Test
  void denseAutoencoderWithTiedWeightsTrains() {
    AutoencoderSpec dense = AutoencoderSpec.dense(8, 1, List.of(6, 3), CellActivation.TANH, true);
    float[] series = new float[200];
    for (int i = 0; i < series.length; i++) {
      series[i] = (float) Math.sin(i * 0.3);
    }
    TrainingData data = TrainingData.slidingWindows(series, 200, 1, 8, 0);
    var brief =
        AutoencoderTrainer.train(
            dense,
            data,
            TrainingOptions.builder()
                .epochs(1)
                .batchSize(16)
                .learningRate(0.01)
                .validationFraction(0)
                .build());
    var trained =
        AutoencoderTrainer.train(
            dense,
            data,
            TrainingOptions.builder()
                .epochs(30)
                .batchSize(32)
                .learningRate(0.01)
                .validationFraction(0)
                .inputNoise(0.05)
                .build());
    // Tied: the decoder has biases only; its matrices are the encoder's, transposed.
    assertThat(trained.network().parameters().names())
        .noneMatch(n -> n.startsWith("dense-decoder") && n.endsWith("/W"));
    assertThat(meanError(trained, data)).isLessThan(meanError(brief, data) * 0.5);
  }

  @Test
  void mismatchedDataIsRefused() {
    AutoencoderSpec twoFeatures =
        AutoencoderSpec.lstm(8, 2, 1, List.of(4), CellActivation.TANH, ModelMode.COMPOSITE);
    assertThatThrownBy(
            () ->
                AutoencoderTrainer.train(twoFeatures, sine(50), TrainingOptions.builder().build()))
        .hasMessageContaining("the model expects [8, 2]");
    assertThatThrownBy(() -> TrainingOptions.builder().epochs(0).build())
        .hasMessageContaining("epochs");
    assertThatThrownBy(() -> TrainingOptions.builder().maskProbability(1).build())
        .hasMessageContaining("mask");
  }

  private static double meanError(TrainingResult result, TrainingData data) {
    BatchInference inference = new BatchInference(result.network(), data.count());
    inference.run(data.windows(), data.count());
    double sum = 0;
    for (int i = 0; i < data.count(); i++) {
      sum += inference.windowErrors()[i];
    }
    return sum / data.count();
  }
}
