package io.streamae.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.streamae.ingest.ReadingParser.ParseResult;
import io.streamae.testkit.PoisonMessages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ReadingParserTest {

  /** The parser's clock: the moment the catalogue's readings were taken. */
  private static final Instant T0 = Instant.ofEpochMilli(PoisonMessages.TS);

  private static final Clock CLOCK_AT_T0 = Clock.fixed(T0, ZoneOffset.UTC);
  private static final Duration SKEW = Duration.ofMinutes(5);

  private final ReadingParser parser =
      ReadingParser.builder(PoisonMessages.FEATURES).maxFutureSkew(SKEW).clock(CLOCK_AT_T0).build();

  // ---- bad input ----------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(PoisonMessages.class)
  void rejectsEveryPoisonMessageWithItsReason(PoisonMessages poison) {
    ParseResult result = parser.parse(poison.payload());

    assertThat(result).isInstanceOf(ParseResult.Rejected.class);
    ParseResult.Rejected rejected = (ParseResult.Rejected) result;
    assertThat(rejected.reason()).isEqualTo(poison.expectedReason());
    assertThat(rejected.reason().isParseReason()).isTrue();
    assertThat(rejected.detail())
        .isNotBlank()
        .hasSizeLessThanOrEqualTo(ReadingParser.MAX_DETAIL_LENGTH);
  }

  @Test
  void rejectsNullPayloadAsEmpty() {
    assertRejected(parser.parse((byte[]) null), RejectReason.EMPTY_PAYLOAD);
    assertRejected(parser.parse((String) null), RejectReason.EMPTY_PAYLOAD);
  }

  @Test
  void detailQuotesNoMoreThanAShortExcerptOfThePayload() {
    String longToken = "secret".repeat(50);
    String json = "{\"sensorId\": " + longToken + "}";

    ParseResult.Rejected rejected = assertRejected(parser.parse(json), RejectReason.MALFORMED_JSON);

    assertThat(rejected.detail()).doesNotContain(longToken.substring(0, 30));
  }

  @Test
  void detailOfAnUnknownFeatureNamesItAndTheExpectedOnes() {
    ParseResult.Rejected rejected =
        assertRejected(
            parser.parse(PoisonMessages.UNKNOWN_FEATURE.payload()), RejectReason.UNKNOWN_FEATURE);

    assertThat(rejected.detail()).contains("\"pressure\"").contains("[temp, vibration]");
  }

  @Test
  void detailOfAMissingFeatureNamesIt() {
    ParseResult.Rejected rejected =
        assertRejected(
            parser.parse(PoisonMessages.MISSING_FEATURE.payload()), RejectReason.MISSING_FEATURE);

    assertThat(rejected.detail()).contains("[vibration]");
  }

  @Test
  void detailOfAFutureTimestampShowsBothInstants() {
    ParseResult.Rejected rejected =
        assertRejected(
            parser.parse(PoisonMessages.TIMESTAMP_FAR_IN_FUTURE.payload()),
            RejectReason.TIMESTAMP_OUT_OF_RANGE);

    assertThat(rejected.detail()).contains("2100-01-01T00:00:00Z").contains(T0.toString());
  }

  @Test
  void detailOfMalformedJsonGivesThePosition() {
    ParseResult.Rejected rejected =
        assertRejected(
            parser.parse("{\"sensorId\": \"pump-7\",\n  oops}"), RejectReason.MALFORMED_JSON);

    assertThat(rejected.detail()).contains("line 2");
  }

  @Test
  void reportsTheFirstProblemInDocumentOrder() {
    String json =
        "{\"values\": {\"temp\": \"hot\", \"vibration\": 0.031}, \"sensorId\": 7, \"ts\": -1}";

    assertRejected(parser.parse(json), RejectReason.NON_NUMERIC_VALUE);
  }

  @Test
  void reportsAbsentFieldsAfterProblemsInPresentOnes() {
    String json = "{\"sensorId\": \"pump-7\", \"values\": [NaN, 0.031]}";

    assertRejected(parser.parse(json), RejectReason.NON_FINITE_VALUE);
  }

  @Test
  void reportsTooDeepEvenAfterAnEarlierFieldProblem() {
    String json = "{\"sensorId\": 7, \"meta\": " + "[".repeat(100) + "]".repeat(100) + "}";

    assertRejected(parser.parse(json), RejectReason.TOO_DEEP);
  }

  // ---- limits -------------------------------------------------------------------------------

  @Test
  void acceptsNestingUpToMaxDepthAndRejectsOneLevelMore() {
    ReadingParser shallow =
        ReadingParser.builder(PoisonMessages.FEATURES).maxDepth(4).clock(CLOCK_AT_T0).build();
    // Depth 1 is the top-level object; "meta" adds levels 2, 3 and 4 (or 5).
    String depth4 = valid(", \"meta\": {\"a\": [[1]]}");
    String depth5 = valid(", \"meta\": {\"a\": [[[1]]]}");

    assertAccepted(shallow.parse(depth4));
    assertRejected(shallow.parse(depth5), RejectReason.TOO_DEEP);
  }

  @Test
  void acceptsAPayloadOfExactlyMaxPayloadBytes() {
    byte[] payload = PoisonMessages.validPayload();
    ReadingParser exact =
        ReadingParser.builder(PoisonMessages.FEATURES)
            .maxPayloadBytes(payload.length)
            .clock(CLOCK_AT_T0)
            .build();
    byte[] oneMore = Arrays.copyOf(payload, payload.length + 1);
    oneMore[payload.length] = ' ';

    assertAccepted(exact.parse(payload));
    assertRejected(exact.parse(oneMore), RejectReason.PAYLOAD_TOO_LARGE);
  }

  @Test
  void acceptsALargePayloadUnderTheDefaultLimit() {
    String padding = "x".repeat(ReadingParser.DEFAULT_MAX_PAYLOAD_BYTES - 200);

    assertAccepted(parser.parse(valid(", \"padding\": \"" + padding + "\"")));
  }

  @Test
  void acceptsTimestampsAtTheEdgesOfTheRange() {
    long latest = T0.plus(SKEW).toEpochMilli();
    long earliest = ReadingParser.MIN_TIMESTAMP_MILLIS;

    assertThat(assertAccepted(parser.parse(withTimestamp(latest))).timestamp()).isEqualTo(latest);
    assertThat(assertAccepted(parser.parse(withTimestamp(earliest))).timestamp())
        .isEqualTo(earliest);
    assertRejected(parser.parse(withTimestamp(latest + 1)), RejectReason.TIMESTAMP_OUT_OF_RANGE);
    assertRejected(parser.parse(withTimestamp(earliest - 1)), RejectReason.TIMESTAMP_OUT_OF_RANGE);
  }

  @Test
  void earliestTimestampIsTheStartOf2000() {
    assertThat(Instant.ofEpochMilli(ReadingParser.MIN_TIMESTAMP_MILLIS))
        .isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
  }

  @Test
  void keepsTheDetailShortWhenADuplicateKeyIsHuge() {
    String key = "k".repeat(10_000);
    String json = valid(", \"" + key + "\": 1, \"" + key + "\": 2");

    ParseResult.Rejected rejected = assertRejected(parser.parse(json), RejectReason.MALFORMED_JSON);

    assertThat(rejected.detail()).hasSizeLessThanOrEqualTo(ReadingParser.MAX_DETAIL_LENGTH);
  }

  // ---- good input ---------------------------------------------------------------------------

  static Stream<Arguments> goodPayloads() {
    return Stream.of(
        good(
            "named features in model order",
            "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000,"
                + " \"values\": {\"temp\": 71.2, \"vibration\": 0.031}}",
            71.2f,
            0.031f),
        good(
            "named features in reverse order",
            "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000,"
                + " \"values\": {\"vibration\": 0.031, \"temp\": 71.2}}",
            71.2f,
            0.031f),
        good(
            "array form in feature order",
            "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": [71.2, 0.031]}",
            71.2f,
            0.031f),
        good(
            "integers",
            "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": {\"temp\": 71,"
                + " \"vibration\": 0}}",
            71f,
            0f),
        good(
            "negative numbers, exponents and float extremes",
            "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": [-3.4e38, 3.1E-2]}",
            -3.4e38f,
            0.031f),
        good(
            "top-level fields in any order",
            "{\"values\": [71.2, 0.031], \"ts\": 1732700000000, \"sensorId\": \"pump-7\"}",
            71.2f,
            0.031f),
        good(
            "extra top-level fields of every kind",
            "{\"schema\": 2, \"sensorId\": \"pump-7\", \"site\": {\"name\": \"plant-1\","
                + " \"tags\": [\"a\", {\"b\": null}]}, \"ts\": 1732700000000, \"ok\": true,"
                + " \"values\": [71.2, 0.031], \"note\": null, \"nan\": NaN}",
            71.2f,
            0.031f),
        good(
            "pretty-printed with surrounding whitespace",
            "\n  {\n    \"sensorId\" : \"pump-7\",\r\n    \"ts\" : 1732700000000,\n"
                + "    \"values\" : [ 71.2 , 0.031 ]\n  }\n\n",
            71.2f,
            0.031f));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodPayloads")
  void acceptsGoodPayloads(String description, String json, SensorReading expected) {
    assertThat(assertAccepted(parser.parse(json))).isEqualTo(expected);
  }

  @Test
  void keepsNonAsciiSensorIds() {
    String json =
        "{\"sensorId\": \"pompe-\\u00e9-\u00fc\", \"ts\": 1732700000000, \"values\": [1, 2]}";

    assertThat(assertAccepted(parser.parse(json)).sensorId()).isEqualTo("pompe-\u00e9-\u00fc");
  }

  @Test
  void ignoresALeadingByteOrderMark() {
    String json = "\uFEFF{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": [1, 2]}";

    assertThat(assertAccepted(parser.parse(json)).values()).containsExactly(1f, 2f);
  }

  @Test
  void rejectsAByteOrderMarkAnywhereElse() {
    String json = " \uFEFF{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": [1, 2]}";

    assertRejected(parser.parse(json), RejectReason.MALFORMED_JSON);
  }

  @Test
  void stringAndByteInputGiveTheSameResult() {
    String json = new String(PoisonMessages.validPayload(), StandardCharsets.UTF_8);

    assertThat(parser.parse(json)).isEqualTo(parser.parse(PoisonMessages.validPayload()));
  }

  // ---- configuration ------------------------------------------------------------------------

  @Test
  void survivesJavaSerialization() throws IOException, ClassNotFoundException {
    ReadingParser copy = roundTrip(parser);

    assertThat(copy.featureNames()).isEqualTo(PoisonMessages.FEATURES);
    assertAccepted(copy.parse(PoisonMessages.validPayload()));
    assertRejected(
        copy.parse(PoisonMessages.TIMESTAMP_FAR_IN_FUTURE.payload()),
        RejectReason.TIMESTAMP_OUT_OF_RANGE);
  }

  @Test
  void refusesInvalidSettings() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ReadingParser.builder(List.of()).build())
        .withMessageContaining("featureNames");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ReadingParser.builder(List.of("temp", "temp")).build())
        .withMessageContaining("unique");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ReadingParser.builder(List.of("temp", " ")).build())
        .withMessageContaining("blank");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ReadingParser.builder(List.of("temp"))
                    .maxFutureSkew(Duration.ofSeconds(-1))
                    .build())
        .withMessageContaining("maxFutureSkew");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ReadingParser.builder(List.of("temp")).maxPayloadBytes(0).build())
        .withMessageContaining("maxPayloadBytes");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ReadingParser.builder(List.of("temp")).maxDepth(1).build())
        .withMessageContaining("maxDepth");
  }

  @Test
  void rejectReasonsHaveUniqueCamelCaseMetricNames() {
    assertThat(RejectReason.MALFORMED_JSON.metricName()).isEqualTo("malformedJson");
    assertThat(RejectReason.TIMESTAMP_OUT_OF_RANGE.metricName()).isEqualTo("timestampOutOfRange");
    List<String> names =
        Arrays.stream(RejectReason.values()).map(RejectReason::metricName).toList();
    assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.matches("[a-z][a-zA-Z]*"));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Arguments good(String description, String json, float temp, float vibration) {
    return Arguments.of(
        description,
        json,
        new SensorReading("pump-7", PoisonMessages.TS, new float[] {temp, vibration}));
  }

  /** A valid reading with {@code extraMembers} (starting with a comma) before the closing brace. */
  private static String valid(String extraMembers) {
    return "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": [71.2, 0.031]"
        + extraMembers
        + "}";
  }

  private static String withTimestamp(long ts) {
    return "{\"sensorId\": \"pump-7\", \"ts\": " + ts + ", \"values\": [71.2, 0.031]}";
  }

  private static SensorReading assertAccepted(ParseResult result) {
    assertThat(result).isInstanceOf(ParseResult.Accepted.class);
    return ((ParseResult.Accepted) result).reading();
  }

  private static ParseResult.Rejected assertRejected(ParseResult result, RejectReason reason) {
    assertThat(result).isInstanceOf(ParseResult.Rejected.class);
    ParseResult.Rejected rejected = (ParseResult.Rejected) result;
    assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(reason);
    return rejected;
  }

  private static ReadingParser roundTrip(ReadingParser original)
      throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(original);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (ReadingParser) in.readObject();
    }
  }
}
