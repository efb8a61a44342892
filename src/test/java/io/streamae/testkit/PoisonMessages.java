package io.streamae.testkit;

import io.streamae.ingest.RejectReason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A catalogue of bad sensor payloads, each with the {@link RejectReason} the ingest stage must give
 * it. Shared by the parser unit tests, the function harness tests and the Kafka tests (where each
 * one must land in the dead-letter topic while good records keep flowing).
 *
 * <p>Every payload is built around a valid reading for sensor {@code "pump-7"} at {@link #TS} with
 * features {@link #FEATURES}, and spoils exactly one thing, so the expected reason is unambiguous.
 * Expected reasons hold for any parser clock between {@link #TS} and the year 2100, with the
 * default limits (1 MiB payload, depth 16).
 */
public enum PoisonMessages {
  // Empty or too big
  EMPTY("", RejectReason.EMPTY_PAYLOAD),
  WHITESPACE_ONLY(" \t\r\n ", RejectReason.EMPTY_PAYLOAD),
  OVERSIZED_1_MIB(Payloads.oversized(), RejectReason.PAYLOAD_TOO_LARGE),

  // Not well-formed
  NOT_JSON("pump-7 71.2 0.031", RejectReason.MALFORMED_JSON),
  TRUNCATED("{\"sensorId\": \"pump-7\", \"ts\": 1732700000000", RejectReason.MALFORMED_JSON),
  SINGLE_QUOTES(
      "{'sensorId': 'pump-7', 'ts': 1732700000000, 'values': [71.2, 0.031]}",
      RejectReason.MALFORMED_JSON),
  COMMENT(Payloads.withExtra("/* calibrated */ \"x\": 1"), RejectReason.MALFORMED_JSON),
  LEADING_ZERO(
      "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": [071.2, 0.031]}",
      RejectReason.MALFORMED_JSON),
  DUPLICATE_KEY(Payloads.withExtra("\"ts\": 1732700000001"), RejectReason.MALFORMED_JSON),
  DUPLICATE_FEATURE(
      "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000,"
          + " \"values\": {\"temp\": 71.2, \"vibration\": 0.031, \"temp\": 72.0}}",
      RejectReason.MALFORMED_JSON),
  DUPLICATE_KEY_IN_IGNORED_FIELD(
      Payloads.withExtra("\"meta\": {\"a\": 1, \"a\": 2}"), RejectReason.MALFORMED_JSON),
  MALFORMED_IGNORED_FIELD(Payloads.withExtra("\"meta\": [1, 2,]"), RejectReason.MALFORMED_JSON),
  TRAILING_GARBAGE(Payloads.valid() + "garbage", RejectReason.MALFORMED_JSON),
  TWO_OBJECTS(Payloads.valid() + Payloads.valid(), RejectReason.MALFORMED_JSON),
  INVALID_UTF8(
      Payloads.bytes("{\"sensorId\": \"pump-", new byte[] {(byte) 0xC3, 0x28}, Payloads.TAIL),
      RejectReason.MALFORMED_JSON),
  INVALID_UTF8_IN_IGNORED_FIELD(
      Payloads.bytes(
          Payloads.valid().substring(0, Payloads.valid().length() - 1) + ", \"note\": \"",
          new byte[] {(byte) 0xFF, (byte) 0xFE},
          "\"}"),
      RejectReason.MALFORMED_JSON),
  UTF16_ENCODED(Payloads.valid().getBytes(StandardCharsets.UTF_16LE), RejectReason.MALFORMED_JSON),
  // A semantic problem (numeric sensorId) before a syntax error: the syntax error wins.
  SYNTAX_ERROR_AFTER_BAD_FIELD("{\"sensorId\": 7, \"ts\": ", RejectReason.MALFORMED_JSON),

  // Too deep
  DEEP_NESTING_10000(
      Payloads.withExtra("\"meta\": " + "[".repeat(10_000) + "]".repeat(10_000)),
      RejectReason.TOO_DEEP),
  DEEP_NESTING_IN_VALUES(
      "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": {\"temp\": "
          + "{\"a\": ".repeat(10_000)
          + "1"
          + "}".repeat(10_000)
          + ", \"vibration\": 0.031}}",
      RejectReason.TOO_DEEP),

  // Not an object
  JSON_NULL("null", RejectReason.NOT_AN_OBJECT),
  TOP_LEVEL_ARRAY("[" + Payloads.valid() + "]", RejectReason.NOT_AN_OBJECT),
  TOP_LEVEL_STRING("\"pump-7\"", RejectReason.NOT_AN_OBJECT),
  TOP_LEVEL_NUMBER("71.2", RejectReason.NOT_AN_OBJECT),

  // sensorId
  MISSING_SENSOR_ID(
      "{\"ts\": 1732700000000, \"values\": [71.2, 0.031]}", RejectReason.MISSING_SENSOR_ID),
  NULL_SENSOR_ID(
      "{\"sensorId\": null, \"ts\": 1732700000000, \"values\": [71.2, 0.031]}",
      RejectReason.MISSING_SENSOR_ID),
  NUMERIC_SENSOR_ID(
      "{\"sensorId\": 7, \"ts\": 1732700000000, \"values\": [71.2, 0.031]}",
      RejectReason.INVALID_SENSOR_ID),
  BLANK_SENSOR_ID(
      "{\"sensorId\": \"  \", \"ts\": 1732700000000, \"values\": [71.2, 0.031]}",
      RejectReason.INVALID_SENSOR_ID),
  OVERLONG_SENSOR_ID(
      "{\"sensorId\": \"" + "p".repeat(300) + "\", \"ts\": 1732700000000, \"values\": [1, 2]}",
      RejectReason.INVALID_SENSOR_ID),

  // ts
  MISSING_TIMESTAMP(
      "{\"sensorId\": \"pump-7\", \"values\": [71.2, 0.031]}", RejectReason.MISSING_TIMESTAMP),
  NULL_TIMESTAMP(
      "{\"sensorId\": \"pump-7\", \"ts\": null, \"values\": [71.2, 0.031]}",
      RejectReason.MISSING_TIMESTAMP),
  STRING_TIMESTAMP(
      "{\"sensorId\": \"pump-7\", \"ts\": \"1732700000000\", \"values\": [71.2, 0.031]}",
      RejectReason.BAD_TIMESTAMP),
  ISO_TIMESTAMP(
      "{\"sensorId\": \"pump-7\", \"ts\": \"2024-11-27T09:33:20Z\", \"values\": [71.2, 0.031]}",
      RejectReason.BAD_TIMESTAMP),
  FRACTIONAL_TIMESTAMP(
      "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000.5, \"values\": [71.2, 0.031]}",
      RejectReason.BAD_TIMESTAMP),
  TIMESTAMP_FAR_IN_FUTURE(
      "{\"sensorId\": \"pump-7\", \"ts\": 4102444800000, \"values\": [71.2, 0.031]}",
      RejectReason.TIMESTAMP_OUT_OF_RANGE),
  NEGATIVE_TIMESTAMP(
      "{\"sensorId\": \"pump-7\", \"ts\": -1, \"values\": [71.2, 0.031]}",
      RejectReason.TIMESTAMP_OUT_OF_RANGE),
  TIMESTAMP_IN_SECONDS(
      "{\"sensorId\": \"pump-7\", \"ts\": 1732700000, \"values\": [71.2, 0.031]}",
      RejectReason.TIMESTAMP_OUT_OF_RANGE),
  TIMESTAMP_BEYOND_LONG(
      "{\"sensorId\": \"pump-7\", \"ts\": 99999999999999999999, \"values\": [71.2, 0.031]}",
      RejectReason.TIMESTAMP_OUT_OF_RANGE),

  // values
  MISSING_VALUES("{\"sensorId\": \"pump-7\", \"ts\": 1732700000000}", RejectReason.MISSING_VALUES),
  NULL_VALUES(
      "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": null}",
      RejectReason.MISSING_VALUES),
  SCALAR_VALUES(
      "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": 71.2}",
      RejectReason.MISSING_VALUES),
  UNKNOWN_FEATURE(
      Payloads.withValues("{\"temp\": 71.2, \"vibration\": 0.031, \"pressure\": 1.2}"),
      RejectReason.UNKNOWN_FEATURE),
  MISSING_FEATURE(Payloads.withValues("{\"temp\": 71.2}"), RejectReason.MISSING_FEATURE),
  EMPTY_VALUES_OBJECT(Payloads.withValues("{}"), RejectReason.MISSING_FEATURE),
  ARRAY_TOO_SHORT(Payloads.withValues("[71.2]"), RejectReason.WRONG_FEATURE_COUNT),
  ARRAY_TOO_LONG(Payloads.withValues("[71.2, 0.031, 5]"), RejectReason.WRONG_FEATURE_COUNT),
  EMPTY_VALUES_ARRAY(Payloads.withValues("[]"), RejectReason.WRONG_FEATURE_COUNT),
  NAN_TOKEN(
      Payloads.withValues("{\"temp\": NaN, \"vibration\": 0.031}"), RejectReason.NON_FINITE_VALUE),
  NAN_STRING(
      Payloads.withValues("{\"temp\": \"NaN\", \"vibration\": 0.031}"),
      RejectReason.NON_FINITE_VALUE),
  INFINITY_TOKEN(
      Payloads.withValues("{\"temp\": 71.2, \"vibration\": Infinity}"),
      RejectReason.NON_FINITE_VALUE),
  NEGATIVE_INFINITY_TOKEN(Payloads.withValues("[-Infinity, 0.031]"), RejectReason.NON_FINITE_VALUE),
  INFINITY_STRING(Payloads.withValues("[\"-Infinity\", 0.031]"), RejectReason.NON_FINITE_VALUE),
  FLOAT_OVERFLOW(
      Payloads.withValues("{\"temp\": 1e39, \"vibration\": 0.031}"), RejectReason.NON_FINITE_VALUE),
  DOUBLE_OVERFLOW(Payloads.withValues("[71.2, -1e400]"), RejectReason.NON_FINITE_VALUE),
  HUGE_INTEGER(
      Payloads.withValues("[" + "9".repeat(60) + ", 0.031]"), RejectReason.NON_FINITE_VALUE),
  NUMERIC_STRING(
      Payloads.withValues("{\"temp\": \"71.2\", \"vibration\": 0.031}"),
      RejectReason.NON_NUMERIC_VALUE),
  NESTED_OBJECT_VALUE(
      Payloads.withValues("{\"temp\": {\"celsius\": 71.2}, \"vibration\": 0.031}"),
      RejectReason.NON_NUMERIC_VALUE),
  NESTED_ARRAY_VALUE(Payloads.withValues("[[71.2], 0.031]"), RejectReason.NON_NUMERIC_VALUE),
  BOOLEAN_VALUE(
      Payloads.withValues("{\"temp\": 71.2, \"vibration\": true}"), RejectReason.NON_NUMERIC_VALUE),
  NULL_VALUE(Payloads.withValues("[null, 0.031]"), RejectReason.NON_NUMERIC_VALUE);

  /** The feature names, in model order, that every payload here is written for. */
  public static final List<String> FEATURES = List.of("temp", "vibration");

  /** The event time of the (otherwise valid) readings: 2024-11-27T09:33:20Z in epoch ms. */
  public static final long TS = Payloads.TS;

  private final byte[] payload;
  private final RejectReason expectedReason;

  PoisonMessages(String json, RejectReason expectedReason) {
    this(json.getBytes(StandardCharsets.UTF_8), expectedReason);
  }

  PoisonMessages(byte[] payload, RejectReason expectedReason) {
    this.payload = payload;
    this.expectedReason = expectedReason;
  }

  /** The bad payload, as a fresh copy. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The reason the ingest stage must give. */
  public RejectReason expectedReason() {
    return expectedReason;
  }

  /** A valid payload for sensor {@code "pump-7"} at {@link #TS}: temp 71.2, vibration 0.031. */
  public static byte[] validPayload() {
    return Payloads.valid().getBytes(StandardCharsets.UTF_8);
  }

  /** Builders for the payloads above; a nested class so the enum constructors may use them. */
  private static final class Payloads {
    static final long TS = 1_732_700_000_000L;
    static final String TAIL = "\", \"ts\": 1732700000000, \"values\": [71.2, 0.031]}";

    static String valid() {
      return "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000,"
          + " \"values\": {\"temp\": 71.2, \"vibration\": 0.031}}";
    }

    /** A valid reading whose {@code values} field holds {@code valuesJson}. */
    static String withValues(String valuesJson) {
      return "{\"sensorId\": \"pump-7\", \"ts\": 1732700000000, \"values\": " + valuesJson + "}";
    }

    /** A valid reading with {@code members} appended after its last field. */
    static String withExtra(String members) {
      String valid = valid();
      return valid.substring(0, valid.length() - 1) + ", " + members + "}";
    }

    /** A valid reading padded to one byte over the default 1 MiB limit. */
    static byte[] oversized() {
      String prefix = withExtra("\"padding\": \"");
      int padding = 1024 * 1024 + 1 - prefix.length() - "\"}".length();
      return (prefix + "x".repeat(padding) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(String head, byte[] middle, String tail) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
      out.writeBytes(middle);
      out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    }
  }
}
