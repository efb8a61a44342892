package io.streamae.evaluation;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * NAB results CSVs: one row per input row with the detector's anomaly score and the window label,
 * the format NAB keeps under {@code results/<detector>/<category>/<detector>_<file>.csv}.
 *
 * <p>Input (write): a {@link NabSeries}, one anomaly score per row and the series' label windows.
 * Output: a CSV with header {@value #HEADER}; {@code timestamp} is formatted {@code yyyy-MM-dd
 * HH:mm:ss} as in NAB's data, {@code label} is 1 for rows inside a window and 0 outside. Reading
 * gives back the rows and, through {@link #toSeries}, scorer input whose windows are the runs of
 * label 1 (adjacent windows would merge, which NAB's labels never have). Doubles are written with
 * {@link Double#toString}, which reads back to the same value. Malformed content fails with an
 * {@link IllegalArgumentException} naming the file and line.
 */
public final class NabResultsFile {
  /** Header of a results file. */
  public static final String HEADER = "timestamp,value,anomaly_score,label";

  private NabResultsFile() {}

  /**
   * One results row.
   *
   * @param timestampMs epoch milliseconds (naive timestamp read as UTC)
   * @param value the input value
   * @param anomalyScore the detector's score in [0, 1]
   * @param label 1 inside an anomaly window, 0 outside
   */
  public record Row(long timestampMs, double value, double anomalyScore, int label) {
    public Row {
      if (label != 0 && label != 1) {
        throw new IllegalArgumentException(String.format("label must be 0 or 1, got %s", label));
      }
    }
  }

  /**
   * Builds the results rows of one series.
   *
   * @param series the input series
   * @param anomalyScores one score per series row
   * @param windows the series' label windows
   */
  public static List<Row> rows(
      NabSeries series, double[] anomalyScores, List<NabLabels.Window> windows) {
    if (anomalyScores.length != series.size()) {
      throw new IllegalArgumentException(
          String.format(
              "series %s has %s rows but %s anomaly scores",
              series.name(), series.size(), anomalyScores.length));
    }
    long[] timestamps = series.timestampsMs();
    int[] labels = new int[timestamps.length];
    for (NabScorer.IndexWindow window :
        NabScorer.toIndexWindows(series.name(), timestamps, windows)) {
      for (int i = window.first(); i <= window.last(); i++) {
        labels[i] = 1;
      }
    }
    List<Row> rows = new ArrayList<>(timestamps.length);
    for (int i = 0; i < timestamps.length; i++) {
      rows.add(new Row(timestamps[i], series.value(i), anomalyScores[i], labels[i]));
    }
    return List.copyOf(rows);
  }

  /** Writes rows of one series, creating parent directories. */
  public static void write(Path path, List<Row> rows) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      writer.write(HEADER);
      writer.write('\n');
      for (Row row : rows) {
        writer.write(
            String.format(
                "%s,%s,%s,%s\n",
                NabSeries.formatTimestamp(row.timestampMs()),
                Double.toString(row.value()),
                Double.toString(row.anomalyScore()),
                row.label()));
      }
    }
  }

  /** Writes the results file of one series: {@code rows(series, anomalyScores, windows)}. */
  public static void write(
      Path path, NabSeries series, double[] anomalyScores, List<NabLabels.Window> windows)
      throws IOException {
    write(path, rows(series, anomalyScores, windows));
  }

  /**
   * Reads a results file.
   *
   * @throws IllegalArgumentException naming the file and 1-based line for a wrong header, column
   *     count, timestamp, number or label
   */
  public static List<Row> read(Path path) throws IOException {
    List<Row> rows = new ArrayList<>();
    NabSeries.forEachRow(
        path,
        HEADER,
        4,
        (lineNumber, fields) -> {
          long timestamp = NabSeries.parseTimestampField(path, lineNumber, fields[0]);
          double value = NabSeries.parseValue(path, lineNumber, "value", fields[1]);
          double score = NabSeries.parseValue(path, lineNumber, "anomaly_score", fields[2]);
          String label = fields[3].trim();
          if (!label.equals("0") && !label.equals("1")) {
            throw new IllegalArgumentException(
                String.format(
                    "%s, line %s: label '%s' is not 0 or 1", path, lineNumber, fields[3]));
          }
          rows.add(new Row(timestamp, value, score, Integer.parseInt(label)));
        });
    return List.copyOf(rows);
  }

  /**
   * Scorer input from results rows: windows are the maximal runs of rows labelled 1.
   *
   * @param name series name for the results
   */
  public static NabScorer.Series toSeries(String name, List<Row> rows) {
    long[] timestamps = new long[rows.size()];
    double[] scores = new double[rows.size()];
    List<NabScorer.IndexWindow> windows = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      timestamps[i] = row.timestampMs();
      scores[i] = row.anomalyScore();
      if (row.label() == 1 && start < 0) {
        start = i;
      } else if (row.label() == 0 && start >= 0) {
        windows.add(new NabScorer.IndexWindow(start, i - 1));
        start = -1;
      }
    }
    if (start >= 0) {
      windows.add(new NabScorer.IndexWindow(start, rows.size() - 1));
    }
    return new NabScorer.Series(name, timestamps, scores, windows);
  }
}
