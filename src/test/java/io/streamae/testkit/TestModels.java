package io.streamae.testkit;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.io.HistoryData;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingRunner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small, quickly trained models for tests. */
public final class TestModels {
  public static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  public static final long STEP = 60_000L;

  private TestModels() {}

  /** Two smooth correlated features per sensor: sin and cos of the step, plus a little noise. */
  public static HistoryData sineHistory(List<String> sensors, int rows) {
    Map<String, HistoryData.Series> series = new LinkedHashMap<>();
    for (int s = 0; s < sensors.size(); s++) {
      long[] ts = new long[rows];
      float[] values = new float[rows * 2];
      for (int i = 0; i < rows; i++) {
        ts[i] = T0 + i * STEP;
        float[] v = sineValues(s, i);
        values[i * 2] = v[0];
        values[i * 2 + 1] = v[1];
      }
      series.put(sensors.get(s), new HistoryData.Series(ts, values));
    }
    return new HistoryData(
        List.of("temp", "current"), series, (long) rows * sensors.size(), List.of(), 0, "sine");
  }

  public static float[] sineValues(int sensor, int step) {
    double phase = 2 * Math.PI * step / 24.0 + sensor;
    double noise = Math.sin(step * 12.9898 + sensor * 78.233) * 0.02;
    return new float[] {
      (float) (50 + 5 * Math.sin(phase) + noise), (float) (10 + 2 * Math.cos(phase) - noise)
    };
  }

  /** A composite LSTM over windows of {@code timesteps} of the sine history, trained briefly. */
  public static ModelBundle sineBundle(int timesteps, int epochs) {
    return sineBundle(timesteps, epochs, 12, "test-sine", "1");
  }

  /**
   * Like {@link #sineBundle(int, int)} with {@code hidden} cells and the given id and version: two
   * versions of one model id trained for different epochs have different error scales.
   */
  public static ModelBundle sineBundle(
      int timesteps, int epochs, int hidden, String modelId, String version) {
    HistoryData history = sineHistory(List.of("s-1", "s-2"), 400);
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(
            timesteps, 2, 1, List.of(hidden), CellActivation.TANH, ModelMode.COMPOSITE);
    TrainingOptions options =
        TrainingOptions.builder()
            .epochs(epochs)
            .batchSize(32)
            .seed(11)
            .validationFraction(0.2)
            .learningRate(0.01)
            .build();
    return TrainingRunner.train(
            new TrainingRunner.Request(
                history, "sine", spec, options, "percentile", 99.0, modelId, version))
        .bundle();
  }
}
