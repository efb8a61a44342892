package io.streamae.evaluation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One NAB data series: the rows of a {@code timestamp,value} CSV from NAB's {@code data/} tree.
 *
 * <p>Input: a CSV with header {@code timestamp,value} and naive local timestamps {@code yyyy-MM-dd
 * HH:mm:ss} (an optional fraction of a second is accepted). Output: parallel arrays of timestamps
 * and values, in file order. Malformed content fails with an {@link IllegalArgumentException}
 * naming the file and line.
 *
 * <p>Timestamps are never converted between zones: they are read as {@link LocalDateTime} and
 * turned into epoch milliseconds <em>as if they were UTC</em>, the single convention used by {@link
 * NabLabels}, {@link NabScorer} and {@link NabResultsFile}, so equal wall-clock texts always give
 * equal numbers. They are not required to increase: NAB scores rows by position, and NAB's own
 * {@code machine_temperature_system_failure.csv} steps back 55 minutes at line 10151 (2014-01-07
 * 02:00..02:55 appears twice); {@link #firstNonIncreasingRow()} tells a caller that needs time
 * order where it breaks.
 */
public final class NabSeries {
  /** The CSV header NAB data files start with. */
  public static final String HEADER = "timestamp,value";

  private static final DateTimeFormatter PARSER =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");

  /** One line at a time, so errors name the file's own line numbers. */
  private static final CSVFormat CSV_LINE = CSVFormat.DEFAULT;

  private final String name;
  private final long[] timestampsMs;
  private final double[] values;

  /**
   * @param name series name, e.g. {@code realKnownCause/machine_temperature_system_failure.csv}
   * @param timestampsMs epoch milliseconds (naive timestamps read as UTC), in row order
   * @param values one value per timestamp
   */
  public NabSeries(String name, long[] timestampsMs, double[] values) {
    if (timestampsMs.length != values.length) {
      throw new IllegalArgumentException(
          String.format(
              "series %s has %s timestamps but %s values",
              name, timestampsMs.length, values.length));
    }
    this.name = name;
    this.timestampsMs = timestampsMs.clone();
    this.values = values.clone();
  }

  /** Reads {@code file}, naming the series after the file name. */
  public static NabSeries read(Path file) throws IOException {
    return read(file, file.getFileName().toString());
  }

  /**
   * Reads a NAB data CSV.
   *
   * @param file the CSV file
   * @param name the series name to carry, usually the NAB key {@code category/file.csv}
   * @throws IllegalArgumentException naming the file and 1-based line when the content is malformed
   *     (header, column count, timestamp, value) or there are no rows
   */
  public static NabSeries read(Path file, String name) throws IOException {
    List<Long> timestamps = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    forEachRow(
        file,
        HEADER,
        2,
        (lineNumber, fields) -> {
          timestamps.add(parseTimestampField(file, lineNumber, fields[0]));
          values.add(parseValue(file, lineNumber, "value", fields[1]));
        });
    if (timestamps.isEmpty()) {
      throw new IllegalArgumentException(String.format("%s has no data rows", file));
    }
    return new NabSeries(
        name,
        timestamps.stream().mapToLong(Long::longValue).toArray(),
        values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** One data row of a CSV read by {@link #forEachRow}. */
  @FunctionalInterface
  interface RowHandler {
    void row(int lineNumber, String[] fields);
  }

  /**
   * Reads a comma-separated file with the given header (compared after {@link #normaliseHeader}),
   * handing every non-blank data line with its 1-based line number to {@code handler}.
   *
   * @throws IllegalArgumentException naming the file and line for a missing or wrong header or a
   *     line without exactly {@code fields} fields
   */
  static void forEachRow(Path file, String header, int fields, RowHandler handler)
      throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = reader.readLine();
      if (first == null) {
        throw new IllegalArgumentException(
            String.format("%s is empty; expected header '%s'", file, header));
      }
      if (!normaliseHeader(first).equals(header)) {
        throw new IllegalArgumentException(
            String.format("%s, line 1: header is '%s', expected '%s'", file, first, header));
      }
      int lineNumber = 1;
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String[] parts = fields(file, lineNumber, line);
        if (parts.length != fields) {
          throw new IllegalArgumentException(
              String.format(
                  "%s, line %s: expected %s fields (%s), found %s in '%s'",
                  file, lineNumber, fields, header, parts.length, line));
        }
        handler.row(lineNumber, parts);
      }
    }
  }

  /** Series name as given when read or constructed. */
  public String name() {
    return name;
  }

  /** Number of rows. */
  public int size() {
    return timestampsMs.length;
  }

  /** Epoch milliseconds (naive timestamp read as UTC) of row {@code i}. */
  public long timestampMs(int i) {
    return timestampsMs[i];
  }

  /** Value of row {@code i}. */
  public double value(int i) {
    return values[i];
  }

  /** A copy of all timestamps, epoch milliseconds. */
  public long[] timestampsMs() {
    return timestampsMs.clone();
  }

  /** A copy of all values. */
  public double[] values() {
    return values.clone();
  }

  /**
   * The first row whose timestamp is not after the previous row's, if any; empty when the
   * timestamps strictly increase.
   */
  public OptionalInt firstNonIncreasingRow() {
    for (int i = 1; i < timestampsMs.length; i++) {
      if (timestampsMs[i] <= timestampsMs[i - 1]) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * Parses a naive NAB timestamp {@code yyyy-MM-dd HH:mm:ss[.f...]} (fraction 1 to 9 digits).
   *
   * @throws DateTimeParseException when the text does not match
   */
  public static LocalDateTime parseTimestamp(String text) {
    return LocalDateTime.parse(text.trim(), PARSER);
  }

  /**
   * Epoch milliseconds of a naive timestamp read as UTC.
   *
   * @throws IllegalArgumentException when the timestamp has sub-millisecond digits, which the
   *     millisecond representation would silently drop
   */
  public static long toEpochMillis(LocalDateTime timestamp) {
    if (timestamp.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          String.format("timestamp %s has sub-millisecond precision", timestamp));
    }
    return timestamp.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** Parses a naive NAB timestamp straight to epoch milliseconds (as UTC). */
  public static long parseEpochMillis(String text) {
    return toEpochMillis(parseTimestamp(text));
  }

  /**
   * Formats epoch milliseconds back to NAB's {@code yyyy-MM-dd HH:mm:ss}; milliseconds are appended
   * ({@code .SSS}) only when not zero, so no information is lost.
   */
  public static String formatTimestamp(long epochMillis) {
    LocalDateTime time =
        LocalDateTime.ofEpochSecond(
            Math.floorDiv(epochMillis, 1000L),
            (int) Math.floorMod(epochMillis, 1000L) * 1_000_000,
            ZoneOffset.UTC);
    return (time.getNano() == 0 ? SECONDS : MILLIS).format(time);
  }

  /**
   * The fields of one CSV line, parsed by commons-csv (RFC 4180: quoted fields may hold commas and
   * doubled quotes).
   *
   * @throws IllegalArgumentException naming the file and line for malformed quoting
   */
  static String[] fields(Path file, int lineNumber, String line) {
    try {
      return fields(line);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          String.format(
              "%s, line %s: not valid CSV (%s): '%s'", file, lineNumber, e.getMessage(), line));
    }
  }

  private static String[] fields(String line) throws IOException {
    try (CSVParser parser = CSVParser.parse(line, CSV_LINE)) {
      List<CSVRecord> records = parser.getRecords();
      return records.isEmpty() ? new String[] {""} : records.get(0).values();
    }
  }

  static String normaliseHeader(String header) {
    String text = header.startsWith("\uFEFF") ? header.substring(1) : header;
    StringBuilder joined = new StringBuilder();
    String[] columns;
    try {
      columns = fields(text);
    } catch (IOException | UncheckedIOException e) {
      return text.trim(); // not valid CSV: compares unequal to any expected header
    }
    for (String column : columns) {
      if (joined.length() > 0) {
        joined.append(',');
      }
      joined.append(column.trim());
    }
    return joined.toString();
  }

  static long parseTimestampField(Path file, int lineNumber, String text) {
    try {
      return parseEpochMillis(text);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format(
              "%s, line %s: timestamp '%s' is not yyyy-MM-dd HH:mm:ss[.ffffff] (%s)",
              file, lineNumber, text, e.getMessage()),
          e);
    }
  }

  static double parseValue(Path file, int lineNumber, String column, String text) {
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          String.format("%s, line %s: %s '%s' is not a number", file, lineNumber, column, text), e);
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          String.format("%s, line %s: %s '%s' is not finite", file, lineNumber, column, text));
    }
    return value;
  }

  @Override
  public String toString() {
    return String.format("NabSeries{name=%s, rows=%s}", name, timestampsMs.length);
  }
}
