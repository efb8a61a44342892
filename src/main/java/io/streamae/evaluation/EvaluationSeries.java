package io.streamae.evaluation;

import io.streamae.model.io.HistoryReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One input series of an evaluation, in file order: what {@link NabEvaluation} trains on, streams
 * through the job and scores.
 *
 * <p>Input: a CSV with a header; NAB's {@code timestamp,value} files read through {@link
 * NabSeries}, any other layout as a timestamp column, an optional per-row 0/1 label column (never
 * given to the model) and numeric feature columns (every other column). Output: parallel arrays of
 * row timestamps, feature values and, when present, row labels. Timestamps are epoch ms or naive
 * date-times read as UTC; they need not increase (a repeated timestamp keeps its row).
 *
 * @param name the series key, its path below the data directory with {@code /}, e.g. {@code
 *     realKnownCause/machine_temperature_system_failure.csv}
 * @param featureNames the feature columns, in model order
 * @param timestampsMs one per row
 * @param timestampTexts the timestamp column as written, one per row
 * @param values {@code [rows, features]} row-major
 * @param rowLabels per-row 0/1 labels from the label column, or null
 */
public record EvaluationSeries(
    String name,
    List<String> featureNames,
    long[] timestampsMs,
    String[] timestampTexts,
    float[] values,
    int[] rowLabels) {

  public EvaluationSeries {
    featureNames = List.copyOf(featureNames);
    if (values.length != timestampsMs.length * featureNames.size()
        || timestampTexts.length != timestampsMs.length) {
      throw new IllegalArgumentException(
          String.format(
              "series %s: %s timestamps, %s timestamp texts and %s values of %s features",
              name,
              timestampsMs.length,
              timestampTexts.length,
              values.length,
              featureNames.size()));
    }
    if (rowLabels != null && rowLabels.length != timestampsMs.length) {
      throw new IllegalArgumentException(
          String.format(
              "series %s: %s labels for %s rows", name, rowLabels.length, timestampsMs.length));
    }
  }

  /**
   * How to read the CSV files.
   *
   * @param excludeColumns columns that are neither time, label nor feature: never read (e.g. a
   *     second, label-like column)
   */
  public record Format(
      char separator, String timestampColumn, String labelColumn, Set<String> excludeColumns) {
    public static final Format NAB = new Format(',', "timestamp", null);

    public Format {
      excludeColumns = Set.copyOf(excludeColumns);
    }

    public Format(char separator, String timestampColumn, String labelColumn) {
      this(separator, timestampColumn, labelColumn, Set.of());
    }
  }

  public int rows() {
    return timestampsMs.length;
  }

  public int features() {
    return featureNames.size();
  }

  /** Whether this is a NAB {@code timestamp,value} series (one feature, no label column). */
  public boolean univariate() {
    return featureNames.size() == 1 && rowLabels == null;
  }

  /** The category of the series: its first directory below the data directory, or "." */
  public String category() {
    int slash = name.indexOf('/');
    return slash < 0 ? "." : name.substring(0, slash);
  }

  /** The file name without directories. */
  public String fileName() {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  /** The values as a {@link NabSeries} (first feature), for NAB's results file and labels. */
  public NabSeries toNabSeries() {
    double[] first = new double[rows()];
    for (int i = 0; i < first.length; i++) {
      first[i] = values[i * features()];
    }
    return new NabSeries(name, timestampsMs, first);
  }

  /** Every {@code *.csv} below {@code dir}, in name order, as series keys with {@code /}. */
  public static List<String> list(Path dir) throws IOException {
    io.streamae.model.io.InputFiles.requireDirectory(dir, "data directory");
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".csv"))
          .forEach(p -> keys.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    keys.sort(null);
    if (keys.isEmpty()) {
      throw new IOException(String.format("no .csv files below %s", dir));
    }
    return keys;
  }

  /** Reads {@code dir/key}. */
  public static EvaluationSeries read(Path dir, String key, Format format) throws IOException {
    Path file = dir.resolve(key);
    String header;
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      header = reader.readLine();
    }
    if (header != null
        && format.separator() == ','
        && NabSeries.normaliseHeader(header).equals(NabSeries.HEADER)) {
      NabSeries nab = NabSeries.read(file, key);
      float[] values = new float[nab.size()];
      String[] texts = new String[nab.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) nab.value(i);
        texts[i] = NabSeries.formatTimestamp(nab.timestampMs(i));
      }
      return new EvaluationSeries(key, List.of("value"), nab.timestampsMs(), texts, values, null);
    }
    return readColumns(file, key, format);
  }

  private static EvaluationSeries readColumns(Path file, String key, Format format)
      throws IOException {
    CSVFormat csv =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(format.separator())
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .build();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, csv)) {
      List<String> header = parser.getHeaderNames();
      String ts = format.timestampColumn();
      if (!header.contains(ts)) {
        throw new IllegalArgumentException(
            String.format("%s: no timestamp column '%s' in header %s", file, ts, header));
      }
      String label = format.labelColumn();
      if (label != null && !header.contains(label)) {
        throw new IllegalArgumentException(
            String.format("%s: no label column '%s' in header %s", file, label, header));
      }
      for (String excluded : format.excludeColumns()) {
        if (!header.contains(excluded)) {
          throw new IllegalArgumentException(
              String.format("%s: no column '%s' to exclude in header %s", file, excluded, header));
        }
      }
      List<String> features = new ArrayList<>();
      for (String h : header) {
        if (!h.equals(ts) && !h.equals(label) && !format.excludeColumns().contains(h)) {
          features.add(h);
        }
      }
      if (features.isEmpty()) {
        throw new IllegalArgumentException(
            String.format("%s: no feature columns in header %s", file, header));
      }
      int f = features.size();
      long[] times = new long[1024];
      String[] texts = new String[1024];
      float[] values = new float[1024 * f];
      int[] labels = label == null ? null : new int[1024];
      int rows = 0;
      for (CSVRecord record : parser) {
        long line = parser.getCurrentLineNumber();
        if (!record.isConsistent()) {
          throw new IllegalArgumentException(
              String.format(
                  "%s, line %s: %s fields, header has %s",
                  file, line, record.size(), header.size()));
        }
        if (rows == times.length) {
          times = Arrays.copyOf(times, rows * 2);
          texts = Arrays.copyOf(texts, rows * 2);
          values = Arrays.copyOf(values, rows * 2 * f);
          labels = labels == null ? null : Arrays.copyOf(labels, rows * 2);
        }
        Long time = HistoryReader.parseTime(record.get(ts));
        if (time == null) {
          throw new IllegalArgumentException(
              String.format("%s, line %s: unreadable timestamp '%s'", file, line, record.get(ts)));
        }
        times[rows] = time;
        texts[rows] = record.get(ts);
        for (int c = 0; c < f; c++) {
          values[rows * f + c] =
              (float)
                  NabSeries.parseValue(
                      file, (int) line, features.get(c), record.get(features.get(c)));
        }
        if (labels != null) {
          String text = record.get(label).trim();
          double v = NabSeries.parseValue(file, (int) line, label, text);
          if (v != 0 && v != 1) {
            throw new IllegalArgumentException(
                String.format("%s, line %s: label '%s' is not 0 or 1", file, line, text));
          }
          labels[rows] = (int) v;
        }
        rows++;
      }
      if (rows == 0) {
        throw new IllegalArgumentException(String.format("%s has no data rows", file));
      }
      return new EvaluationSeries(
          key,
          features,
          Arrays.copyOf(times, rows),
          Arrays.copyOf(texts, rows),
          Arrays.copyOf(values, rows * f),
          labels == null ? null : Arrays.copyOf(labels, rows));
    }
  }
}
