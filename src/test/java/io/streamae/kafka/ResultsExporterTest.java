package io.streamae.kafka;

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
