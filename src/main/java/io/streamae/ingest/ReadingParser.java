package io.streamae.ingest;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the JSON bytes of one sensor message into a {@link SensorReading}, or says precisely why it
 * cannot.
 *
 * <p>Place in the pipeline: called by {@link ParseReadingsFunction} for every {@link RawReading};
 * plain Java without Flink, so every edge case is a fast unit test.
 *
 * <p>Input: UTF-8 JSON such as
 *
 * <pre>{@code
 * {"sensorId": "pump-7", "ts": 1732700000000, "values": {"temp": 71.2, "vibration": 0.031}}
 * }</pre>
 *
 * <ul>
 *   <li>{@code sensorId}: non-blank string of at most {@value #MAX_SENSOR_ID_LENGTH} characters.
 *   <li>{@code ts}: integer epoch milliseconds, not before 2000-01-01T00:00:00Z and at most {@code
 *       maxFutureSkew} ahead of this parser's clock.
 *   <li>{@code values}: either an object holding exactly the configured feature names (any order),
 *       or an array with one number per feature in feature order. Every value must be a JSON number
 *       (integer or fraction) that fits a finite {@code float}.
 *   <li>Other top-level fields are ignored (forward compatibility) but must still be well-formed
 *       and no deeper than {@code maxDepth}.
 * </ul>
 *
 * <p>Output: a {@link ParseResult}, either {@link ParseResult.Accepted} with the reading or {@link
 * ParseResult.Rejected} with a {@link RejectReason} and a detail message. {@link #parse(byte[])}
 * never throws. When a payload has several problems, the report is deterministic: a payload that is
 * empty, too large, not UTF-8, not well-formed or too deep is rejected for that reason alone;
 * otherwise the first problem in document order wins, and absent fields are reported last.
 *
 * <p>Parsing is strict and streaming (one Jackson {@link JsonParser}, no tree): duplicate keys,
 * trailing content, comments, single quotes and leading zeros are all malformed; a nesting bomb is
 * stopped at {@code maxDepth + 1} levels. The JSON tokens {@code NaN} and {@code Infinity} are
 * tokenised only so they can be rejected as {@link RejectReason#NON_FINITE_VALUE} rather than as
 * malformed JSON.
 *
 * <p>Instances are immutable, thread-safe and {@link Serializable} (so a Flink function can hold
 * one) as long as the clock is serializable, as {@link InstantSource#system()} and {@link
 * java.time.Clock#fixed} are. Usage:
 *
 * <pre>{@code
 * ReadingParser parser = ReadingParser.builder(List.of("temp", "vibration"))
 *     .maxFutureSkew(Duration.ofMinutes(5))
 *     .build();
 * ParseResult result = parser.parse(payloadBytes);
 * }</pre>
 */
public final class ReadingParser implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Default for {@code maxPayloadBytes}: 1 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

  /** Default for {@code maxDepth}: nesting levels, the top-level object counting as one. */
  public static final int DEFAULT_MAX_DEPTH = 16;

  /** Default for {@code maxFutureSkew}: how far a sensor clock may run ahead of ours. */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

  /** Longest accepted {@code sensorId}, in characters; ids become state keys and metric tags. */
  public static final int MAX_SENSOR_ID_LENGTH = 256;

  /** Earliest accepted {@code ts}: 2000-01-01T00:00:00Z, in epoch milliseconds. */
  public static final long MIN_TIMESTAMP_MILLIS =
      Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  static final String FIELD_SENSOR_ID = "sensorId";
  static final String FIELD_TIMESTAMP = "ts";
  static final String FIELD_VALUES = "values";

  /** Longest detail message, in characters; keeps dead letters small whatever the payload. */
  public static final int MAX_DETAIL_LENGTH = 300;

  /** Longest excerpt of a payload-supplied name (such as a feature name) quoted in a detail. */
  private static final int MAX_QUOTED_LENGTH = 40;

  /** Longest excerpt of an offending token in Jackson's syntax-error messages. */
  private static final int MAX_ERROR_TOKEN_LENGTH = 20;

  /** Strings that spell a non-finite number; compared after lower-casing. */
  private static final Set<String> NON_FINITE_STRINGS =
      Set.of("nan", "-nan", "+nan", "infinity", "-infinity", "+infinity", "inf", "-inf", "+inf");

  private final List<String> featureNames;
  private final Map<String, Integer> featureIndex;
  private final Duration maxFutureSkew;
  private final long maxFutureSkewMillis;
  private final int maxPayloadBytes;
  private final int maxDepth;
  private final InstantSource clock;

  /**
   * Built on first use after construction or deserialization (Jackson factories are not meant to be
   * serialized). Volatile so a factory built by one thread is seen fully built by others; a race
   * merely builds two equal factories.
   */
  private transient volatile JsonFactory jsonFactory;

  /**
   * Creates a parser; see {@link #builder(List)} for the defaults.
   *
   * @param featureNames the model's features in order; non-empty, unique, non-blank
   * @param maxFutureSkew how far {@code ts} may lie ahead of {@code clock}; zero or positive
   * @param maxPayloadBytes larger payloads are rejected unread; at least 1
   * @param maxDepth maximum nesting of objects and arrays, the top-level object counting as 1; at
   *     least 2 (the top-level object plus {@code values})
   * @param clock the time source for the future-skew check
   * @throws IllegalArgumentException if a setting is out of range
   */
  public ReadingParser(
      List<String> featureNames,
      Duration maxFutureSkew,
      int maxPayloadBytes,
      int maxDepth,
      InstantSource clock) {
    require(featureNames != null && !featureNames.isEmpty(), "featureNames must not be empty");
    Map<String, Integer> index = new HashMap<>();
    for (String name : featureNames) {
      require(name != null && !name.isBlank(), "feature names must not be blank: %s", featureNames);
      require(
          index.putIfAbsent(name, index.size()) == null,
          "feature names must be unique, %s appears twice in %s",
          name,
          featureNames);
    }
    require(
        maxFutureSkew != null
            && !maxFutureSkew.isNegative()
            && maxFutureSkew.compareTo(Duration.ofMillis(Long.MAX_VALUE)) <= 0,
        "maxFutureSkew must be zero or positive (and fit in a long of millis), was %s",
        maxFutureSkew);
    require(maxPayloadBytes >= 1, "maxPayloadBytes must be >= 1, was %s", maxPayloadBytes);
    require(maxDepth >= 2, "maxDepth must be >= 2, was %s", maxDepth);
    require(clock != null, "clock must be set");
    this.featureNames = List.copyOf(featureNames);
    this.featureIndex = index;
    this.maxFutureSkew = maxFutureSkew;
    this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    this.maxPayloadBytes = maxPayloadBytes;
    this.maxDepth = maxDepth;
    this.clock = clock;
  }

  /** A builder with the defaults: 5 min skew, 1 MiB payloads, depth 16, the system clock. */
  public static Builder builder(List<String> featureNames) {
    return new Builder(featureNames);
  }

  /** The configured feature names, in the order of {@link SensorReading#values()}. */
  public List<String> featureNames() {
    return featureNames;
  }

  /**
   * Parses one payload. Never throws: every problem becomes a {@link ParseResult.Rejected}.
   *
   * @param payload UTF-8 JSON bytes; {@code null} (a Kafka tombstone) is an empty payload
   */
  public ParseResult parse(byte[] payload) {
    return parse(payload, NO_RECORD_TIMESTAMP);
  }

  /**
   * Marks {@link #parse(byte[], long)} calls that take event time from the payload's {@code ts}.
   */
  public static final long NO_RECORD_TIMESTAMP = Long.MIN_VALUE;

  /**
   * Parses one payload whose event time is the transport's record timestamp (e.g. Kafka's), not the
   * payload's {@code ts}: a {@code ts} field is then optional and ignored. The record timestamp
   * passes the same range checks as {@code ts}.
   *
   * @param recordTimestamp epoch ms, or {@link #NO_RECORD_TIMESTAMP} to use the payload's {@code
   *     ts}
   */
  public ParseResult parse(byte[] payload, long recordTimestamp) {
    if (payload == null || payload.length == 0) {
      return rejected(RejectReason.EMPTY_PAYLOAD, "payload has no bytes");
    }
    if (payload.length > maxPayloadBytes) {
      return rejected(
          RejectReason.PAYLOAD_TOO_LARGE,
          "payload has %d bytes, the limit is %d",
          payload.length,
          maxPayloadBytes);
    }
    // Decoding up front rejects every invalid byte sequence, including ones inside ignored
    // fields that a streaming parser would otherwise skip without decoding.
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(payload);
    // UTF-8 never yields more chars than bytes, so this buffer cannot overflow.
    CharBuffer text = CharBuffer.allocate(payload.length);
    CoderResult result = decoder.decode(bytes, text, true);
    if (!result.isError()) {
      result = decoder.flush(text);
    }
    if (result.isError()) {
      return rejected(
          RejectReason.MALFORMED_JSON,
          "payload is not valid UTF-8: bad byte sequence at offset %d",
          bytes.position());
    }
    text.flip();
    // RFC 8259 lets parsers ignore a leading byte order mark, as Jackson does for byte input.
    int start = text.hasRemaining() && text.get(0) == '\uFEFF' ? 1 : 0;
    try {
      return parseJson(text.array(), start, text.limit() - start, recordTimestamp);
    } catch (RuntimeException e) {
      // Not expected: Jackson reports bad input as JsonProcessingException. A poison message must
      // still never fail the job (it would fail again on every restart), so it becomes a dead
      // letter whose detail names the failure for a developer.
      return rejected(
          RejectReason.MALFORMED_JSON,
          "parser failed unexpectedly: %s: %s",
          e.getClass().getName(),
          e.getMessage());
    }
  }

  /** Convenience for tests and tools: parses the UTF-8 encoding of {@code json}. */
  public ParseResult parse(String json) {
    return parse(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return String.format(
        "ReadingParser[features=%s, maxFutureSkew=%s, maxPayloadBytes=%d, maxDepth=%d, clock=%s]",
        featureNames, maxFutureSkew, maxPayloadBytes, maxDepth, clock);
  }

  private ParseResult parseJson(char[] chars, int offset, int length, long recordTimestamp) {
    try (JsonParser parser = jsonFactory().createParser(chars, offset, length)) {
      return readDocument(parser, recordTimestamp);
    } catch (NestingTooDeepException e) {
      return rejected(
          RejectReason.TOO_DEEP,
          "JSON nests deeper than %d levels at %s",
          maxDepth,
          describe(e.location));
    } catch (StreamConstraintsException e) {
      return rejected(
          RejectReason.MALFORMED_JSON,
          "JSON exceeds a parser limit at %s: %s",
          describe(e.getLocation()),
          e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      return rejected(
          RejectReason.MALFORMED_JSON,
          "JSON is not well-formed at %s: %s",
          describe(e.getLocation()),
          e.getOriginalMessage());
    } catch (IOException e) {
      // Parsing from memory does no I/O; the API merely declares it.
      return rejected(RejectReason.MALFORMED_JSON, "JSON could not be read: %s", e.getMessage());
    }
  }

  private ParseResult readDocument(JsonParser parser, long recordTimestamp)
      throws IOException, NestingTooDeepException {
    JsonToken first = next(parser);
    if (first == null) {
      return rejected(RejectReason.EMPTY_PAYLOAD, "payload contains only whitespace");
    }
    if (first != JsonToken.START_OBJECT) {
      return rejected(
          RejectReason.NOT_AN_OBJECT,
          "the top-level JSON value must be an object, found %s",
          describe(first));
    }
    Draft draft = new Draft();
    if (recordTimestamp != NO_RECORD_TIMESTAMP) {
      draft.recordTime = true;
      draft.hasTimestamp = true;
      checkTimestamp(recordTimestamp, "record timestamp", draft);
    }
    while (next(parser) == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = next(parser);
      switch (field) {
        case FIELD_SENSOR_ID -> readSensorId(parser, value, draft);
        case FIELD_TIMESTAMP -> readTimestamp(parser, value, draft);
        case FIELD_VALUES -> readValues(parser, value, draft);
        // Unknown fields are allowed, for forward compatibility.
        default -> skipValue(parser, value);
      }
    }
    // A second root value (e.g. "{...}{...}" or "{...} 5") is not one reading.
    if (parser.nextToken() != null) {
      return rejected(
          RejectReason.MALFORMED_JSON,
          "unexpected content after the top-level object at %s",
          describe(parser.currentTokenLocation()));
    }
    return draft.finish();
  }

  private void readSensorId(JsonParser parser, JsonToken token, Draft draft)
      throws IOException, NestingTooDeepException {
    if (token == JsonToken.VALUE_NULL) {
      return; // reported as MISSING_SENSOR_ID by finish()
    }
    if (token != JsonToken.VALUE_STRING) {
      draft.reject(
          RejectReason.INVALID_SENSOR_ID, "sensorId must be a string, found %s", describe(token));
      skipValue(parser, token);
      return;
    }
    String sensorId = parser.getText();
    if (sensorId.isBlank()) {
      draft.reject(RejectReason.INVALID_SENSOR_ID, "sensorId is blank");
    } else if (sensorId.length() > MAX_SENSOR_ID_LENGTH) {
      draft.reject(
          RejectReason.INVALID_SENSOR_ID,
          "sensorId has %d characters, the limit is %d",
          sensorId.length(),
          MAX_SENSOR_ID_LENGTH);
    } else {
      draft.sensorId = sensorId;
    }
  }

  private void readTimestamp(JsonParser parser, JsonToken token, Draft draft)
      throws IOException, NestingTooDeepException {
    if (draft.recordTime) {
      skipValue(parser, token); // event time comes from the record
      return;
    }
    if (token == JsonToken.VALUE_NULL) {
      return; // reported as MISSING_TIMESTAMP by finish()
    }
    draft.hasTimestamp = true;
    if (token != JsonToken.VALUE_NUMBER_INT) {
      draft.reject(
          RejectReason.BAD_TIMESTAMP,
          "ts must be an integer number of epoch milliseconds, found %s",
          describe(token));
      skipValue(parser, token);
      return;
    }
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      draft.reject(RejectReason.TIMESTAMP_OUT_OF_RANGE, "ts does not fit in 64 bits");
      return;
    }
    checkTimestamp(parser.getLongValue(), "ts", draft);
  }

  /** Accepts {@code timestamp} as the reading's event time if it is in range. */
  private void checkTimestamp(long timestamp, String what, Draft draft) {
    long now = clock.millis();
    // Saturate rather than overflow when the configured skew is huge.
    long latest =
        now > Long.MAX_VALUE - maxFutureSkewMillis ? Long.MAX_VALUE : now + maxFutureSkewMillis;
    if (timestamp < MIN_TIMESTAMP_MILLIS) {
      draft.reject(
          RejectReason.TIMESTAMP_OUT_OF_RANGE,
          "%s %d is before %s",
          what,
          timestamp,
          Instant.ofEpochMilli(MIN_TIMESTAMP_MILLIS));
    } else if (timestamp > latest) {
      draft.reject(
          RejectReason.TIMESTAMP_OUT_OF_RANGE,
          "%s %d (%s) is more than %s ahead of the parser clock (%s)",
          what,
          timestamp,
          Instant.ofEpochMilli(timestamp),
          maxFutureSkew,
          Instant.ofEpochMilli(now));
    } else {
      draft.timestamp = timestamp;
    }
  }

  private void readValues(JsonParser parser, JsonToken token, Draft draft)
      throws IOException, NestingTooDeepException {
    switch (token) {
      case VALUE_NULL -> {
        // reported as MISSING_VALUES by finish()
      }
      case START_OBJECT -> draft.values = readNamedValues(parser, draft);
      case START_ARRAY -> draft.values = readArrayValues(parser, draft);
      default ->
          draft.reject(
              RejectReason.MISSING_VALUES,
              "values must be an object of named features or an array of numbers, found %s",
              describe(token));
    }
  }

  /** Reads {@code {"temp": 71.2, ...}}; the parser stands on the START_OBJECT. */
  private float[] readNamedValues(JsonParser parser, Draft draft)
      throws IOException, NestingTooDeepException {
    float[] values = new float[featureNames.size()];
    boolean[] seen = new boolean[featureNames.size()];
    while (next(parser) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken token = next(parser);
      Integer index = featureIndex.get(name);
      if (index == null) {
        draft.reject(
            RejectReason.UNKNOWN_FEATURE,
            "values has unknown feature %s, expected exactly %s",
            quote(name),
            featureNames);
        skipValue(parser, token);
      } else {
        // Repeated names never get here: the parser rejects duplicate keys as malformed.
        seen[index] = true;
        readNumber(parser, token, name, draft, values, index);
      }
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        missing.add(featureNames.get(i));
      }
    }
    if (!missing.isEmpty()) {
      draft.reject(RejectReason.MISSING_FEATURE, "values lacks feature(s) %s", missing);
    }
    return values;
  }

  /** Reads {@code [71.2, 0.031]} in feature order; the parser stands on the START_ARRAY. */
  private float[] readArrayValues(JsonParser parser, Draft draft)
      throws IOException, NestingTooDeepException {
    float[] values = new float[featureNames.size()];
    int count = 0;
    JsonToken token;
    while ((token = next(parser)) != JsonToken.END_ARRAY) {
      // Extra elements are still checked, so a malformed tail is reported as such.
      readNumber(parser, token, null, draft, values, count);
      count++;
    }
    if (count != values.length) {
      draft.reject(
          RejectReason.WRONG_FEATURE_COUNT,
          "values array has %d element(s), expected %d (%s)",
          count,
          values.length,
          featureNames);
    }
    return values;
  }

  /**
   * Stores the number at {@code token} in {@code target[index]} (when the index is in range), or
   * records why it is not a usable value.
   *
   * @param name the feature's name, or null for element {@code index} of a values array; only
   *     rejections spell it out, so a good value costs no string building
   */
  private void readNumber(
      JsonParser parser, JsonToken token, String name, Draft draft, float[] target, int index)
      throws IOException, NestingTooDeepException {
    if (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
      if (!parser.isNaN()) {
        float value = parser.getFloatValue();
        if (Float.isFinite(value)) {
          if (index < target.length) {
            target[index] = value;
          }
          return;
        }
      }
    }
    String label = name == null ? "values[" + index + "]" : "feature " + quote(name);
    switch (token) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        // Not a finite float, or the fast path above would have stored it.
        if (parser.isNaN()) {
          draft.reject(
              RejectReason.NON_FINITE_VALUE,
              "%s is %s, expected a finite number",
              label,
              parser.getText());
        } else {
          draft.reject(
              RejectReason.NON_FINITE_VALUE,
              "%s is outside the float range (about +-3.4e38)",
              label);
        }
      }
      case VALUE_STRING -> {
        String text = parser.getText();
        if (NON_FINITE_STRINGS.contains(text.strip().toLowerCase(Locale.ROOT))) {
          draft.reject(
              RejectReason.NON_FINITE_VALUE,
              "%s is the string %s, expected a finite number",
              label,
              quote(text));
        } else {
          draft.reject(RejectReason.NON_NUMERIC_VALUE, "%s is a string, expected a number", label);
        }
      }
      default -> {
        draft.reject(
            RejectReason.NON_NUMERIC_VALUE, "%s is %s, expected a number", label, describe(token));
        skipValue(parser, token);
      }
    }
  }

  /**
   * Skips the value that starts at {@code token}, checking its syntax and depth on the way. Does
   * not use {@link JsonParser#skipChildren()}, which would bypass {@link #next(JsonParser)}.
   */
  private void skipValue(JsonParser parser, JsonToken token)
      throws IOException, NestingTooDeepException {
    if (!token.isStructStart()) {
      return;
    }
    int open = 1;
    while (open > 0) {
      // Inside a structure the parser throws at end of input rather than returning null.
      JsonToken inner = next(parser);
      if (inner.isStructStart()) {
        open++;
      } else if (inner.isStructEnd()) {
        open--;
      }
    }
  }

  /** Every token is read through here, so no object or array can nest deeper than maxDepth. */
  private JsonToken next(JsonParser parser) throws IOException, NestingTooDeepException {
    JsonToken token = parser.nextToken();
    if (token != null
        && token.isStructStart()
        && parser.getParsingContext().getNestingDepth() > maxDepth) {
      throw new NestingTooDeepException(parser.currentTokenLocation());
    }
    return token;
  }

  private JsonFactory jsonFactory() {
    JsonFactory factory = jsonFactory;
    if (factory == null) {
      factory =
          JsonFactory.builder()
              // Tokenise NaN and Infinity only to reject them as NON_FINITE_VALUE.
              .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
              // A backstop only: next() stops nesting one level earlier with TOO_DEEP.
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxNestingDepth(maxDepth + 1).build())
              // Error messages quote at most a short excerpt of the offending token.
              .errorReportConfiguration(
                  ErrorReportConfiguration.builder()
                      .maxErrorTokenLength(MAX_ERROR_TOKEN_LENGTH)
                      .maxRawContentLength(0)
                      .build())
              .build();
      jsonFactory = factory;
    }
    return factory;
  }

  private static ParseResult.Rejected rejected(
      RejectReason reason, String template, Object... args) {
    return new ParseResult.Rejected(reason, truncate(String.format(template, args)));
  }

  private static String truncate(String detail) {
    return detail.length() <= MAX_DETAIL_LENGTH
        ? detail
        : detail.substring(0, MAX_DETAIL_LENGTH - 3) + "...";
  }

  /** Quotes a payload-supplied name, shortened so a huge key cannot bloat the detail. */
  private static String quote(String text) {
    return text.length() <= MAX_QUOTED_LENGTH
        ? '"' + text + '"'
        : '"' + text.substring(0, MAX_QUOTED_LENGTH) + "...\"";
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a fractional number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.name();
    };
  }

  private static String describe(JsonLocation location) {
    return location == null
        ? "an unknown position"
        : String.format("line %d, column %d", location.getLineNr(), location.getColumnNr());
  }

  private static void require(boolean condition, String template, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }

  /**
   * The outcome of parsing one payload: {@link Accepted} or {@link Rejected}.
   *
   * <pre>{@code
   * if (result instanceof ParseResult.Accepted accepted) { ... accepted.reading() ... }
   * }</pre>
   */
  public sealed interface ParseResult {

    /** A valid reading. */
    record Accepted(SensorReading reading) implements ParseResult {
      public Accepted {
        Objects.requireNonNull(reading, "reading");
      }
    }

    /**
     * An unusable payload.
     *
     * @param reason the first problem found (see {@link ReadingParser} for the order)
     * @param detail a short human-readable explanation that never repeats the payload, e.g. {@code
     *     values has unknown feature "pressure", expected exactly [temp, vibration]}
     */
    record Rejected(RejectReason reason, String detail) implements ParseResult {
      public Rejected {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
      }
    }
  }

  /** Fields collected while streaming through one document, plus the first problem seen. */
  private final class Draft {
    String sensorId;
    boolean recordTime;
    boolean hasTimestamp;
    long timestamp;
    float[] values;
    ParseResult.Rejected problem;

    /** Records a problem unless an earlier one was already recorded. */
    void reject(RejectReason reason, String template, Object... args) {
      if (problem == null) {
        problem = rejected(reason, template, args);
      }
    }

    ParseResult finish() {
      if (problem != null) {
        return problem;
      }
      if (sensorId == null) {
        return rejected(
            RejectReason.MISSING_SENSOR_ID, "field %s is absent or null", FIELD_SENSOR_ID);
      }
      if (!hasTimestamp) {
        return rejected(
            RejectReason.MISSING_TIMESTAMP, "field %s is absent or null", FIELD_TIMESTAMP);
      }
      if (values == null) {
        return rejected(RejectReason.MISSING_VALUES, "field %s is absent or null", FIELD_VALUES);
      }
      return new ParseResult.Accepted(new SensorReading(sensorId, timestamp, values));
    }
  }

  /** Thrown by {@link #next(JsonParser)} to stop at once; cheap, as it has no stack trace. */
  private static final class NestingTooDeepException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient JsonLocation location;

    NestingTooDeepException(JsonLocation location) {
      super("nesting too deep", null, false, false);
      this.location = location;
    }
  }

  /**
   * Builds a {@link ReadingParser}; unset settings keep their defaults.
   *
   * <pre>{@code
   * ReadingParser parser = ReadingParser.builder(List.of("temp", "vibration"))
   *     .maxFutureSkew(Duration.ofMinutes(2))
   *     .maxPayloadBytes(64 * 1024)
   *     .clock(Clock.fixed(T0, ZoneOffset.UTC))   // in tests
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final List<String> featureNames;
    private Duration maxFutureSkew = DEFAULT_MAX_FUTURE_SKEW;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxDepth = DEFAULT_MAX_DEPTH;
    private InstantSource clock = InstantSource.system();

    private Builder(List<String> featureNames) {
      this.featureNames = featureNames;
    }

    /** How far {@code ts} may lie ahead of the clock; default 5 minutes. */
    public Builder maxFutureSkew(Duration maxFutureSkew) {
      this.maxFutureSkew = maxFutureSkew;
      return this;
    }

    /** Larger payloads are rejected without being read; default 1 MiB. */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    /** Maximum nesting, the top-level object counting as 1; default 16. */
    public Builder maxDepth(int maxDepth) {
      this.maxDepth = maxDepth;
      return this;
    }

    /** Time source for the future-skew check; default the system clock. Must be serializable. */
    public Builder clock(InstantSource clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is out of range
     */
    public ReadingParser build() {
      return new ReadingParser(featureNames, maxFutureSkew, maxPayloadBytes, maxDepth, clock);
    }
  }
}
