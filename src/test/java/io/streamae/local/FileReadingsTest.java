package io.streamae.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.ingest.RawReading;
import io.streamae.ingest.ReadingParser;
import io.streamae.ingest.ReadingParser.ParseResult;
import io.streamae.ingest.SensorReading;
import io.streamae.model.io.HistoryData;
import io.streamae.model.io.HistoryReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A history file as a local run's readings: in event-time order, in the stream's format. */
class FileReadingsTest {
  @TempDir Path dir;

  @Test
  void aFileGroupedBySensorIsReplayedInEventTimeOrderAsReadingsTheParserAccepts() throws Exception {
    String quoted = "\"pump \"\"7\"\"\""; // CSV for: pump "7"
    Path csv =
        Files.writeString(
            dir.resolve("grouped.csv"),
            String.join(
                "\n",
                "timestamp,sensorId,temp,current",
                "2026-01-01 00:00:00," + quoted + ",50.25,10.5",
                "2026-01-01 00:01:00," + quoted + ",51.0,10.75",
                "2026-01-01 00:02:00," + quoted + ",52.125,11.0",
                "2026-01-01 00:01:00,b,40.0,9.0",
                "2026-01-01 00:00:00,b,39.5,8.5",
                ""));
    HistoryData history = new HistoryReader(null, null, List.of("temp", "current"), ',').read(csv);
    List<RawReading> raw = FileReadings.inEventTimeOrder(history, "grouped.csv");

    ReadingParser parser =
        ReadingParser.builder(List.of("temp", "current"))
            .clock(java.time.InstantSource.fixed(java.time.Instant.parse("2026-01-02T00:00:00Z")))
            .build();
    List<SensorReading> readings = new ArrayList<>();
    for (RawReading r : raw) {
      assertThat(r.source()).isEqualTo("file:grouped.csv");
      ParseResult result = parser.parse(r.payload());
      assertThat(result).isInstanceOf(ParseResult.Accepted.class);
      readings.add(((ParseResult.Accepted) result).reading());
    }
    assertThat(readings)
        .extracting(SensorReading::timestamp)
        .containsExactly(
            1767225600000L, 1767225600000L, 1767225660000L, 1767225660000L, 1767225720000L);
    assertThat(readings)
        .extracting(SensorReading::sensorId)
        .containsExactly("pump \"7\"", "b", "pump \"7\"", "b", "pump \"7\"");
    assertThat(readings.get(4).values()).containsExactly(52.125f, 11.0f);
    assertThat(readings.get(1).values()).containsExactly(39.5f, 8.5f);
  }
}
