package io.streamae.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.ingest.RawReading;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabSampleTest {
  @TempDir Path dir;

  @Test
  void rowsBecomeReadingsAndUnreadableRowsStayWhole() throws Exception {
    Path csv = dir.resolve("pump.csv");
    Files.writeString(
        csv,
        "timestamp,value\n"
            + "2014-04-01 00:00:00,1.5\n"
            + "\"2014-04-01 00:05:00\",\"2.5\"\n"
            + "2014-04-01 00:10:00,1.0,7\n"
            + "2014-04-01 00:15:00,\"3\n");
    NabSample sample = NabSample.of(csv);
    List<RawReading> readings = sample.readings();
    assertThat(readings).hasSize(4);
    assertThat(text(readings.get(0)))
        .isEqualTo("{\"sensorId\":\"pump\",\"ts\":1396310400000,\"values\":{\"value\":1.5}}");
    assertThat(text(readings.get(1)))
        .isEqualTo("{\"sensorId\":\"pump\",\"ts\":1396310700000,\"values\":{\"value\":2.5}}");
    assertThat(text(readings.get(2))).isEqualTo("2014-04-01 00:10:00,1.0,7");
    assertThat(text(readings.get(3))).isEqualTo("2014-04-01 00:15:00,\"3");
  }

  @Test
  void bundledSeriesHasTimestampsAndValuesForEveryRow() throws Exception {
    NabSample sample = NabSample.bundled();
    assertThat(sample.timestamps()).hasSize(sample.rows());
    assertThat(sample.values()).hasSize(sample.rows());
    assertThat(sample.rows()).isGreaterThan(20_000);
  }

  private static String text(RawReading reading) {
    return new String(reading.payload(), StandardCharsets.UTF_8);
  }
}
