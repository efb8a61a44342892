package io.streamae.model.training;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.inference.BatchInference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The three LSTM autoencoders of the well-known Keras example, with its exact settings: the
 * sequence {@code [0.1 … 0.9]} as one sample {@code [1, 9, 1]}, LSTM(100), 300 epochs, Adam, MSE.
 * The prediction targets are the sequence shifted by one step, {@code [0.2 … 0.9]}.
 */
public final class ReferenceExamples {
  public static final float[] SEQUENCE = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f};
  public static final int EPOCHS = 300;
  public static final int UNITS = 100;

  private ReferenceExamples() {}

  /** Output of one variant; arrays are empty for a head the variant does not have. */
  public record Result(
      ModelMode mode, float[] reconstruction, float[] prediction, double seconds) {}

  public static float[] shifted() {
    float[] out = new float[SEQUENCE.length - 1];
    System.arraycopy(SEQUENCE, 1, out, 0, out.length);
    return out;
  }

  /** Trains and runs all three variants. */
  public static List<Result> runAll(CellActivation activation, long seed, int epochs) {
    List<Result> results = new ArrayList<>();
    for (ModelMode mode : ModelMode.values()) {
      results.add(run(mode, activation, seed, epochs));
    }
    return results;
  }

  public static Result run(ModelMode mode, CellActivation activation, long seed, int epochs) {
    int steps = SEQUENCE.length;
    int horizon = mode.predicts() ? steps - 1 : 0;
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(steps, 1, horizon, List.of(UNITS), activation, mode);
    TrainingData data =
        new TrainingData(
            1, steps, 1, horizon, SEQUENCE.clone(), mode.predicts() ? shifted() : new float[0]);
    TrainingOptions options =
        TrainingOptions.builder()
            .epochs(epochs)
            .batchSize(1)
            .seed(seed)
            .validationFraction(0)
            .build();
    long start = System.nanoTime();
    TrainingResult trained = AutoencoderTrainer.train(spec, data, options);
    double seconds = (System.nanoTime() - start) / 1e9;
    BatchInference inference = new BatchInference(trained.network(), 1);
    inference.run(SEQUENCE, 1);
    float[] reconstruction =
        mode.reconstructs() ? inference.reconstruction().clone() : new float[0];
    float[] prediction = mode.predicts() ? inference.prediction().clone() : new float[0];
    return new Result(mode, reconstruction, prediction, seconds);
  }

  /** Formats an array as NumPy prints it, e.g. {@code [0.10398503 0.20047213]}. */
  public static String numpy(float[] values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format(Locale.ROOT, "%.8f", values[i]));
    }
    return sb.append(']').toString();
  }
}
