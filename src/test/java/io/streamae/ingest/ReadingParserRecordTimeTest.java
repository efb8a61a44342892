package io.streamae.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With kafka.event-time = record, the record timestamp is the event time and ts is optional. */
class ReadingParserRecordTimeTest {
  private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
  private final ReadingParser parser =
      ReadingParser.builder(List.of("temp"))
          .maxFutureSkew(Duration.ofMinutes(5))
          .clock(InstantSource.fixed(Instant.ofEpochMilli(NOW)))
          .build();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void recordTimestampReplacesPayloadTs() {
    var withTs =
        parser.parse(bytes("{\"sensorId\":\"a\",\"ts\":1000,\"values\":{\"temp\":1}}"), NOW - 5);
    var withoutTs = parser.parse(bytes("{\"sensorId\":\"a\",\"values\":{\"temp\":1}}"), NOW - 7);
    assertThat(((ReadingParser.ParseResult.Accepted) withTs).reading().timestamp())
        .isEqualTo(NOW - 5);
    assertThat(((ReadingParser.ParseResult.Accepted) withoutTs).reading().timestamp())
        .isEqualTo(NOW - 7);
  }

  @Test
  void recordTimestampIsRangeChecked() {
    var missing = parser.parse(bytes("{\"sensorId\":\"a\",\"values\":{\"temp\":1}}"), -1);
    var future =
        parser.parse(
            bytes("{\"sensorId\":\"a\",\"values\":{\"temp\":1}}"),
            NOW + Duration.ofHours(1).toMillis());
    assertThat(((ReadingParser.ParseResult.Rejected) missing).reason())
        .isEqualTo(RejectReason.TIMESTAMP_OUT_OF_RANGE);
    assertThat(((ReadingParser.ParseResult.Rejected) future).detail()).contains("record timestamp");
  }

  @Test
  void payloadModeStillRequiresTs() {
    var result = parser.parse(bytes("{\"sensorId\":\"a\",\"values\":{\"temp\":1}}"));
    assertThat(((ReadingParser.ParseResult.Rejected) result).reason())
        .isEqualTo(RejectReason.MISSING_TIMESTAMP);
  }
}
