package io.streamae.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.testkit.PoisonMessages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The source's event time: the payload's ts where the parser would take it, else none. */
class EventTimeExtractorTest {
  private static final long TS = PoisonMessages.TS;

  /** The parser's rules with its clock at the readings' time. */
  private static final EventTimeExtractor AT_TS =
      new EventTimeExtractor(
          Duration.ofMinutes(5),
          ReadingParser.DEFAULT_MAX_PAYLOAD_BYTES,
          InstantSource.fixed(Instant.ofEpochMilli(TS)));

  private static long extract(String json) {
    return AT_TS.extract(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheTopLevelTsWhereverItStands() {
    assertThat(AT_TS.extract(PoisonMessages.validPayload())).isEqualTo(TS);
    assertThat(extract("{\"values\":{\"temp\":1,\"ts\":5},\"sensorId\":\"a\",\"ts\":" + TS + "}"))
        .as("a nested ts is not the reading's")
        .isEqualTo(TS);
    assertThat(extract("{\"values\":[[[1]]],\"ts\":" + (TS - 1) + ",\"sensorId\":"))
        .as("stops at ts: what follows is the parser's business")
        .isEqualTo(TS - 1);
  }

  @Test
  void givesNoneWhereTheParserWouldRefuseTheTime() {
    assertThat(extract("{\"sensorId\":\"a\",\"ts\":\"" + TS + "\"}"))
        .isEqualTo(EventTimeExtractor.NONE);
    assertThat(extract("{\"sensorId\":\"a\",\"ts\":" + TS + ".5}"))
        .isEqualTo(EventTimeExtractor.NONE);
    assertThat(extract("{\"sensorId\":\"a\",\"ts\":946684799999}"))
        .as("1999")
        .isEqualTo(EventTimeExtractor.NONE);
    assertThat(extract("{\"ts\":" + (TS + Duration.ofMinutes(6).toMillis()) + "}"))
        .as("beyond the future skew")
        .isEqualTo(EventTimeExtractor.NONE);
    assertThat(extract("{\"ts\":99999999999999999999999}")).isEqualTo(EventTimeExtractor.NONE);
    assertThat(extract("{\"sensorId\":\"a\"}")).isEqualTo(EventTimeExtractor.NONE);
    assertThat(extract("[" + TS + "]")).isEqualTo(EventTimeExtractor.NONE);
    assertThat(AT_TS.extract(null)).isEqualTo(EventTimeExtractor.NONE);
    assertThat(AT_TS.extract(new byte[0])).isEqualTo(EventTimeExtractor.NONE);
  }

  @ParameterizedTest
  @EnumSource(PoisonMessages.class)
  void neverThrowsOnPoison(PoisonMessages poison) {
    long ts = AT_TS.extract(poison.payload());
    assertThat(ts == EventTimeExtractor.NONE || ts == TS).as("%s gave %s", poison, ts).isTrue();
  }

  @Test
  void givesNoneForAPayloadOverTheSizeLimitWithoutReadingIt() {
    byte[] huge = new byte[ReadingParser.DEFAULT_MAX_PAYLOAD_BYTES + 1];
    Arrays.fill(huge, (byte) ' ');
    byte[] head = ("{\"ts\":" + TS + ",").getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, huge, 0, head.length);
    assertThat(AT_TS.extract(huge)).isEqualTo(EventTimeExtractor.NONE);
  }

  @Test
  void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
    EventTimeExtractor copy =
        InstantiationUtil.clone(new EventTimeExtractor(Duration.ofMinutes(5)));
    assertThat(copy.extract(PoisonMessages.validPayload())).isEqualTo(TS);
  }
}
