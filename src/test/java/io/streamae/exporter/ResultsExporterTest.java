package io.streamae.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The results exporter's registry: latest values per sensor, counts, valid exposition text. */
class ResultsExporterTest {

  @Test
  void exportsTheLatestResultPerSensor() {
    ResultsExporter.Registry registry = new ResultsExporter.Registry();
    registry.result(result("pump-1", 0.1, false));
    registry.result(result("pump-1", 0.7, true));
    registry.result(result("pump-\"2\"", 0.2, false));

    String text = registry.render();

    assertThat(text)
        .contains("streamae_anomaly_score{sensor=\"pump-1\"} 0.7\n")
        .contains("streamae_anomalous{sensor=\"pump-1\"} 1\n")
        .contains("streamae_warming_up{sensor=\"pump-1\"} 0\n")
        .contains("streamae_results_total{sensor=\"pump-1\"} 2\n")
        .contains("streamae_anomalies_total{sensor=\"pump-1\"} 1\n")
        .contains("streamae_threshold{sensor=\"pump-1\"} 0.25\n")
        .contains("streamae_window_end_seconds{sensor=\"pump-1\"} 1732700031\n")
        .contains("streamae_feature_error{sensor=\"pump-1\",feature=\"temp\"} 0.8\n")
        .contains("streamae_reconstruction_error{sensor=\"pump-1\"} NaN\n")
        .contains("streamae_anomaly_score{sensor=\"pump-\\\"2\\\"\"} 0.2\n");
  }

  @Test
  void exportsTheReadingAgainstThePredictionMadeForItAndTheModelVersionAsALabel() {
    ResultsExporter.Registry registry = new ResultsExporter.Registry();
    registry.result(io.streamae.sink.RecordJson.resultBytes(record(60_000L, 70f, 71.5f)));
    registry.result(io.streamae.sink.RecordJson.resultBytes(record(120_000L, 72f, 73f)));

    assertThat(registry.render())
        .contains("streamae_value{sensor=\"pump-9\",feature=\"temp\"} 72\n")
        .contains("streamae_expected_value{sensor=\"pump-9\",feature=\"temp\"} 71.5\n")
        .contains("streamae_prediction_error{sensor=\"pump-9\"} 0.125\n")
        .contains("streamae_model_info{sensor=\"pump-9\",model_version=\"pumps:3\"} 1\n");
  }

  /** A window ending at {@code end} whose last reading is {@code value}, predicting the next. */
  private static io.streamae.sink.AnomalyRecord record(long end, float value, float next) {
    long t = 1_732_700_000_000L + end;
    return new io.streamae.sink.AnomalyRecord(
        "pump-9",
        t - 60_000L,
        t,
        0.1,
        new String[] {"temp"},
        new float[] {0.1f},
        new float[] {1f},
        new float[] {next},
        new long[] {t + 60_000L},
        0.125,
        0.2,
        0.5,
        false,
        false,
        0,
        "pumps:3",
        io.streamae.sink.AnomalyRecord.OK,
        false,
        new float[] {value});
  }

  @Test
  void countsDeadLettersAndUnreadableResults() {
    ResultsExporter.Registry registry = new ResultsExporter.Registry();
    registry.deadLetter("MALFORMED_JSON", "parse");
    registry.deadLetter("MALFORMED_JSON", "parse");
    registry.deadLetter("LATE_READING", "window");
    registry.result("not json".getBytes(StandardCharsets.UTF_8));
    registry.result(null);

    assertThat(registry.render())
        .contains("streamae_dead_letters_total{reason=\"MALFORMED_JSON\",stage=\"parse\"}" + " 2\n")
        .contains("streamae_dead_letters_total{reason=\"LATE_READING\",stage=\"window\"} 1\n")
        .contains("streamae_exporter_unreadable_total 2\n");
  }

  @Test
  void everyLineIsACommentOrASample() {
    ResultsExporter.Registry registry = new ResultsExporter.Registry();
    registry.result(result("pump-1", 0.3, false));
    registry.deadLetter("EMPTY_PAYLOAD", "parse");

    for (String line : registry.render().split("\n")) {
      assertThat(line).matches("# (HELP|TYPE) \\w+ .+|\\w+(\\{.*\\})? ([-+0-9.eE]+|NaN|[+-]Inf)");
    }
  }

  private static byte[] result(String sensor, double score, boolean anomalous) {
    return String.format(
            "{\"sensorId\":\"%s\",\"windowStart\":1732700000000,\"windowEnd\":1732700031000,"
                + "\"reconstructionError\":null,"
                + "\"featureErrors\":{\"temp\":0.8,\"vibration\":0.02},"
                + "\"anomalyScore\":%s,\"threshold\":0.25,\"anomalous\":%s,\"status\":\"OK\"}",
            sensor.replace("\"", "\\\""), score, anomalous)
        .getBytes(StandardCharsets.UTF_8);
  }
}
