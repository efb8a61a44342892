package io.streamae.kafka;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.io.HistoryData;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingRunner;
import io.streamae.testkit.PoisonMessages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test data for the Kafka tests: a few sensors whose {@code temp} and {@code vibration} follow
 * phase-shifted sines, one reading a second, as JSON payloads; and a tiny LSTM autoencoder (8
 * steps, 2 features, one layer of 8 cells, 2 epochs) trained on the same shapes in a few seconds.
 */
final class SineSensors {
  /** Window length of the tiny model. */
  static final int TIMESTEPS = 8;

  /** Event-time spacing of readings. */
  static final long INTERVAL_MS = 1_000;

  /** The features, as the poison catalogue writes them. */
  static final List<String> FEATURES = PoisonMessages.FEATURES;

  private SineSensors() {}

  /** The reading of sensor number {@code s} at step {@code i}: temp, vibration. */
  static float[] values(int s, int i) {
    double phase = 2 * Math.PI * i / 20.0 + s * 0.7;
    return new float[] {
      (float) (70 + 5 * Math.sin(phase)), (float) (0.03 + 0.01 * Math.cos(phase))
    };
  }

  /** A JSON reading; {@code Float.toString} so the parser reads back the very same floats. */
  static byte[] payload(String sensorId, long ts, float[] values) {
    return String.format(
            Locale.ROOT,
            "{\"sensorId\":\"%s\",\"ts\":%d,\"values\":{\"temp\":%s,\"vibration\":%s}}",
            sensorId,
            ts,
            Float.toString(values[0]),
            Float.toString(values[1]))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Trains the tiny model on 300 steps of two sensors and writes it to {@code bundle}. */
  static ModelBundle trainModel(Path bundle) throws IOException {
    return trainModel(bundle, "1", 2);
  }

  /**
   * Trains version {@code version} of the tiny model ({@code kafka-it}) for {@code epochs} epochs:
   * versions trained for different epochs have different error scales.
   */
  static ModelBundle trainModel(Path bundle, String version, int epochs) throws IOException {
    int rows = 300;
    Map<String, HistoryData.Series> series = new LinkedHashMap<>();
    for (int s = 0; s < 2; s++) {
      long[] ts = new long[rows];
      float[] values = new float[rows * FEATURES.size()];
      for (int i = 0; i < rows; i++) {
        ts[i] = i * INTERVAL_MS;
        System.arraycopy(values(s, i), 0, values, i * FEATURES.size(), FEATURES.size());
      }
      series.put("train-" + s, new HistoryData.Series(ts, values));
    }
    HistoryData history =
        new HistoryData(FEATURES, series, 2L * rows, List.of(), 0, "sine-sensors");
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(
            TIMESTEPS, FEATURES.size(), 1, List.of(8), CellActivation.TANH, ModelMode.COMPOSITE);
    TrainingOptions options =
        TrainingOptions.builder()
            .epochs(epochs)
            .batchSize(32)
            .seed(42)
            .validationFraction(0.2)
            .build();
    return TrainingRunner.trainAndWrite(
            new TrainingRunner.Request(
                history, "sine-sensors", spec, options, "percentile", 99.0, "kafka-it", version),
            bundle)
        .bundle();
  }

  /** {@code perSensor} readings of every sensor from {@code t0}, interleaved step by step. */
  static List<Reading> readings(List<String> sensors, int perSensor, long t0) {
    List<Reading> all = new ArrayList<>();
    for (int i = 0; i < perSensor; i++) {
      for (int s = 0; s < sensors.size(); s++) {
        long ts = t0 + i * INTERVAL_MS;
        all.add(new Reading(sensors.get(s), ts, values(s, i)));
      }
    }
    return all;
  }

  /** One good reading. */
  record Reading(String sensorId, long ts, float[] values) {
    byte[] payload() {
      return SineSensors.payload(sensorId, ts, values);
    }
  }
}
