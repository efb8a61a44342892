package io.streamae.ingest;

import java.util.Locale;

/**
 * Why a record was sent to the dead-letter output instead of flowing on through the pipeline.
 *
 * <p>The {@link #name()} is the stable code written into {@code DeadLetter.reason} (dashboards and
 * alerts match on it, so never rename a constant); {@link #description()} is a short phrase for
 * humans; {@link #metricName()} is the camelCase form used in metric names, such as {@code
 * malformedJson} in the counter {@code rejectedMalformedJson}.
 *
 * <p>Most reasons are found by {@link ReadingParser} ({@link #isParseReason()}); the last few are
 * reserved for later stages (windowing and scoring) so that every stage shares one vocabulary.
 */
public enum RejectReason {
  EMPTY_PAYLOAD(true, "payload is missing, empty or only whitespace"),
  PAYLOAD_TOO_LARGE(true, "payload exceeds the configured maximum size"),
  MALFORMED_JSON(true, "payload is not well-formed UTF-8 JSON"),
  TOO_DEEP(true, "JSON nesting exceeds the configured maximum depth"),
  NOT_AN_OBJECT(true, "top-level JSON value is not an object"),
  MISSING_SENSOR_ID(true, "sensorId is absent or null"),
  INVALID_SENSOR_ID(true, "sensorId is not a non-blank string of acceptable length"),
  MISSING_TIMESTAMP(true, "ts is absent or null"),
  BAD_TIMESTAMP(true, "ts is not an integer number of epoch milliseconds"),
  TIMESTAMP_OUT_OF_RANGE(true, "ts is before 2000-01-01 or too far in the future"),
  MISSING_VALUES(true, "values is absent, null, or neither an object nor an array"),
  MISSING_FEATURE(true, "values lacks a configured feature"),
  UNKNOWN_FEATURE(true, "values names a feature that is not configured"),
  NON_NUMERIC_VALUE(true, "a feature value is not a number"),
  NON_FINITE_VALUE(true, "a feature value is NaN, infinite or outside the float range"),
  WRONG_FEATURE_COUNT(true, "values array length differs from the number of features"),
  LATE_READING(false, "reading is older than the newest one of its sensor already in windows"),
  DUPLICATE_READING(false, "a reading for the same sensor and timestamp was already seen"),
  CONFLICTING_DUPLICATE(
      false, "a reading for the same sensor and timestamp, with other values, was already kept"),
  MODEL_FEATURE_MISMATCH(false, "reading features do not match the features the model expects");

  private final boolean parseReason;
  private final String description;
  private final String metricName;

  RejectReason(boolean parseReason, String description) {
    this.parseReason = parseReason;
    this.description = description;
    this.metricName = toCamelCase(name());
  }

  /** A short human-readable phrase, e.g. "payload is not well-formed UTF-8 JSON". */
  public String description() {
    return description;
  }

  /** The camelCase form for metric names: {@code MALFORMED_JSON} becomes {@code malformedJson}. */
  public String metricName() {
    return metricName;
  }

  /** True if {@link ReadingParser} can produce this reason; false for later-stage reasons. */
  public boolean isParseReason() {
    return parseReason;
  }

  private static String toCamelCase(String constantName) {
    StringBuilder camel = new StringBuilder(constantName.length());
    boolean upperNext = false;
    for (char c : constantName.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '_') {
        upperNext = true;
      } else {
        camel.append(upperNext ? Character.toUpperCase(c) : c);
        upperNext = false;
      }
    }
    return camel.toString();
  }
}
