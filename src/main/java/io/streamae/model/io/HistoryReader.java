package io.streamae.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads sensor history for training from CSV (header row; a timestamp column, an optional sensor
 * column, numeric feature columns) or JSON lines in the stream's reading format ({@code
 * {"sensorId": …, "ts": …, "values": {…}}}); a file whose first character is {@code {} is read as
 * JSON lines whatever its name. Rows may come in any order — by time, or grouped by sensor and by
 * time within each — every sensor's series comes out in time order. This is the one reader of
 * history files: {@code train}, {@code score} and {@code run --source file} all use it.
 *
 * <p>Timestamps are epoch milliseconds or date-times ({@code 2014-04-10 07:15:00}, ISO-8601;
 * without a zone they are taken as UTC). Every unusable row is counted and reported with its line
 * number; none is skipped silently. Rows of one sensor are sorted by time; duplicate timestamps
 * keep the first row and count the rest as bad.
 */
public final class HistoryReader {
  public static final String DEFAULT_SENSOR = "sensor";
  private static final int MAX_LISTED_BAD_ROWS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter NAIVE =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss]")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  private final String timestampColumn;
  private final String sensorColumn;
  private final List<String> featureColumns;
  private final char separator;

  /**
   * @param timestampColumn name of the time column (CSV); {@code null} = first of {@code
   *     timestamp}, {@code ts}, {@code time}
   * @param sensorColumn name of the sensor id column (CSV); {@code null} = {@code sensorId} if
   *     present, else one sensor
   * @param featureColumns features to use, in model order; empty = every other column
   */
  public HistoryReader(
      String timestampColumn, String sensorColumn, List<String> featureColumns, char separator) {
    this.timestampColumn = timestampColumn;
    this.sensorColumn = sensorColumn;
    this.featureColumns = featureColumns == null ? List.of() : List.copyOf(featureColumns);
    this.separator = separator;
  }

  public static HistoryReader defaults() {
    return new HistoryReader(null, null, List.of(), ',');
  }

  public HistoryData read(Path file) throws IOException {
    InputFiles.requireFile(file, "history file");
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new UnusableInputException(String.format("history file %s is empty", file));
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Collector collector;
    if (name.endsWith(".jsonl")
        || name.endsWith(".ndjson")
        || name.endsWith(".json")
        || text.stripLeading().startsWith("{")) {
      collector = readJsonLines(text, file);
    } else {
      collector = readCsv(text, file);
    }
    return collector.finish(file, ModelBundle.sha256(bytes));
  }

  private Collector readCsv(String text, Path file) throws IOException {
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(separator)
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .build();
    try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
      List<String> header = parser.getHeaderNames();
      String ts =
          timestampColumn != null
              ? timestampColumn
              : firstPresent(header, "timestamp", "ts", "time");
      if (ts == null || !header.contains(ts)) {
        throw new IOException(
            String.format(
                "%s: no timestamp column %s in header %s",
                file, ts == null ? "(timestamp, ts or time)" : "'" + ts + "'", header));
      }
      String sensor =
          sensorColumn != null ? sensorColumn : (header.contains("sensorId") ? "sensorId" : null);
      if (sensor != null && !header.contains(sensor)) {
        throw new IOException(
            String.format("%s: no sensor column '%s' in header %s", file, sensor, header));
      }
      List<String> features = new ArrayList<>();
      if (featureColumns.isEmpty()) {
        for (String h : header) {
          if (!h.equals(ts) && !h.equals(sensor)) {
            features.add(h);
          }
        }
      } else {
        for (String f : featureColumns) {
          if (!header.contains(f)) {
            throw new IOException(
                String.format("%s: no feature column '%s' in header %s", file, f, header));
          }
          features.add(f);
        }
      }
      if (features.isEmpty()) {
        throw new IOException(String.format("%s: no feature columns in header %s", file, header));
      }
      Collector collector = new Collector(features);
      Iterator<CSVRecord> records = parser.iterator();
      while (true) {
        CSVRecord record;
        try {
          if (!records.hasNext()) {
            break;
          }
          record = records.next();
        } catch (RuntimeException e) {
          collector.bad(parser.getCurrentLineNumber(), "unreadable CSV: " + e.getMessage());
          break;
        }
        long line = parser.getCurrentLineNumber();
        if (!record.isConsistent()) {
          collector.bad(
              line, String.format("%s fields, header has %s", record.size(), header.size()));
          continue;
        }
        Long time = parseTime(record.get(ts));
        if (time == null) {
          collector.bad(line, String.format("unreadable timestamp '%s'", record.get(ts)));
          continue;
        }
        float[] values = new float[features.size()];
        String problem = null;
        for (int f = 0; f < features.size() && problem == null; f++) {
          String raw = record.get(features.get(f));
          problem = parseValue(raw, features.get(f), values, f);
        }
        if (problem != null) {
          collector.bad(line, problem);
          continue;
        }
        String id = sensor == null ? DEFAULT_SENSOR : record.get(sensor);
        if (id == null || id.isBlank()) {
          collector.bad(line, "empty sensor id");
          continue;
        }
        collector.add(id, time, values, line);
      }
      return collector;
    }
  }

  private Collector readJsonLines(String text, Path file) throws IOException {
    List<String> features = featureColumns.isEmpty() ? featuresOfFirstObject(text) : featureColumns;
    if (features == null) {
      throw new IOException(
          String.format("%s: no line has a \"values\" object naming the features", file));
    }
    Collector collector = new Collector(features);
    try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
      String row;
      long line = 0;
      while ((row = reader.readLine()) != null) {
        line++;
        if (row.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(row);
        } catch (IOException e) {
          collector.bad(line, "malformed JSON");
          continue;
        }
        String id = node.path("sensorId").asText(null);
        if (id == null || id.isBlank()) {
          collector.bad(line, "missing sensorId");
          continue;
        }
        JsonNode tsNode = node.path("ts");
        Long time =
            tsNode.isIntegralNumber()
                ? Long.valueOf(tsNode.asLong())
                : parseTime(tsNode.asText(null));
        if (time == null) {
          collector.bad(line, "missing or unreadable ts");
          continue;
        }
        JsonNode values = node.path("values");
        float[] out = new float[features.size()];
        String problem = null;
        if (!(values.isObject() || values.isArray())) {
          problem = "missing values";
        } else if (values.size() != features.size()) {
          problem = String.format("%s values, expected %s", values.size(), features.size());
        }
        for (int f = 0; f < features.size() && problem == null; f++) {
          JsonNode v = values.isObject() ? values.get(features.get(f)) : values.get(f);
          problem =
              v == null
                  ? "missing feature " + features.get(f)
                  : jsonValue(v, features.get(f), out, f);
        }
        if (problem != null) {
          collector.bad(line, problem);
          continue;
        }
        collector.add(id, time, out, line);
      }
    }
    return collector;
  }

  private static List<String> featuresOfFirstObject(String text) {
    for (String row : text.split("\n")) {
      try {
        JsonNode values = JSON.readTree(row).path("values");
        if (values.isObject() && values.size() > 0) {
          List<String> names = new ArrayList<>();
          values.fieldNames().forEachRemaining(names::add);
          return names;
        }
      } catch (IOException e) {
        // a malformed line is reported by the main pass
      }
    }
    return null;
  }

  private static String jsonValue(JsonNode v, String feature, float[] out, int f) {
    if (v == null || !v.isNumber()) {
      return String.format("feature %s is not a number", feature);
    }
    double d = v.asDouble();
    float x = (float) d;
    if (!Float.isFinite(x)) {
      return String.format("feature %s is not finite", feature);
    }
    out[f] = x;
    return null;
  }

  private static String parseValue(String raw, String feature, float[] out, int f) {
    if (raw == null || raw.isEmpty()) {
      return String.format("feature %s is empty", feature);
    }
    float x;
    try {
      x = (float) Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      return String.format("feature %s is not a number: '%s'", feature, raw);
    }
    if (!Float.isFinite(x)) {
      return String.format("feature %s is not finite: '%s'", feature, raw);
    }
    out[f] = x;
    return null;
  }

  /** Epoch millis, ISO-8601 with offset, or a naive date-time taken as UTC; null if unreadable. */
  public static Long parseTime(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String s = raw.trim();
    if (s.chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      return LocalDateTime.parse(s, NAIVE).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(s).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static String firstPresent(List<String> header, String... names) {
    for (String n : names) {
      if (header.contains(n)) {
        return n;
      }
    }
    return null;
  }

  /** Accumulates rows per sensor and bad rows. */
  private static class Collector {
    final List<String> features;
    final Map<String, List<Row>> rows = new LinkedHashMap<>();
    final List<HistoryData.BadRow> bad = new ArrayList<>();
    long badCount;

    Collector(List<String> features) {
      this.features = List.copyOf(features);
    }

    record Row(long time, float[] values, long line) {}

    void add(String sensor, long time, float[] values, long line) {
      rows.computeIfAbsent(sensor, k -> new ArrayList<>()).add(new Row(time, values, line));
    }

    void bad(long line, String reason) {
      badCount++;
      if (bad.size() < MAX_LISTED_BAD_ROWS) {
        bad.add(new HistoryData.BadRow(line, reason));
      }
    }

    void takeBad(List<HistoryData.BadRow> earlier) {
      for (HistoryData.BadRow b : earlier) {
        bad(b.line(), b.reason());
      }
      earlier.clear();
    }

    HistoryData finish(Path file, String sha256) throws IOException {
      Map<String, HistoryData.Series> series = new LinkedHashMap<>();
      long usable = 0;
      int width = features.size();
      for (Map.Entry<String, List<Row>> e : rows.entrySet()) {
        List<Row> list = e.getValue();
        list.sort((a, b) -> Long.compare(a.time(), b.time()));
        List<Row> kept = new ArrayList<>(list.size());
        for (Row r : list) {
          if (!kept.isEmpty() && kept.get(kept.size() - 1).time() == r.time()) {
            bad(
                r.line(),
                String.format("duplicate timestamp %s for sensor %s", r.time(), e.getKey()));
          } else {
            kept.add(r);
          }
        }
        long[] ts = new long[kept.size()];
        float[] values = new float[kept.size() * width];
        for (int i = 0; i < kept.size(); i++) {
          ts[i] = kept.get(i).time();
          System.arraycopy(kept.get(i).values(), 0, values, i * width, width);
        }
        series.put(e.getKey(), new HistoryData.Series(ts, values));
        usable += kept.size();
      }
      bad.sort((a, b) -> Long.compare(a.line(), b.line()));
      if (usable == 0) {
        throw new UnusableInputException(
            String.format(
                "%s has no usable rows (%s bad rows%s)",
                file,
                badCount,
                bad.isEmpty()
                    ? ""
                    : ", first: line " + bad.get(0).line() + ": " + bad.get(0).reason()));
      }
      return new HistoryData(features, series, usable, List.copyOf(bad), badCount, sha256);
    }
  }
}
