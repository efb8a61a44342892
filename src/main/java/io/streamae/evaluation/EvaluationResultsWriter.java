package io.streamae.evaluation;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the per-series results file of an evaluation, one row per input row in input order.
 *
 * <p>Input: the series, a score and the job's 0/1 decision per row, and the label windows (or the
 * series' label column). Output: for a NAB {@code timestamp,value} series NAB's own results format
 * ({@link NabResultsFile}, label 0 everywhere when there are no labels), which NAB's scorer reads;
 * for a multi-column series {@value #MULTI_HEADER} plus {@code ,label} when labels exist, the
 * timestamp as written in the input.
 */
public final class EvaluationResultsWriter {
  /** Header of a multi-column results file without labels. */
  public static final String MULTI_HEADER = "timestamp,anomaly_score,anomaly";

  private EvaluationResultsWriter() {}

  /**
   * @param windows NAB label windows of the series, or null
   */
  public static void write(
      Path file,
      EvaluationSeries series,
      double[] scores,
      boolean[] alarms,
      List<NabLabels.Window> windows)
      throws IOException {
    if (series.univariate()) {
      NabResultsFile.write(
          file, series.toNabSeries(), scores, windows == null ? List.of() : windows);
      return;
    }
    int[] labels = rowLabels(series, windows);
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(MULTI_HEADER);
      w.write(labels == null ? "\n" : ",label\n");
      for (int i = 0; i < series.rows(); i++) {
        w.write(csvField(series.timestampTexts()[i]));
        w.write(',');
        w.write(Double.toString(scores[i]));
        w.write(alarms[i] ? ",1" : ",0");
        if (labels != null) {
          w.write(labels[i] == 1 ? ",1" : ",0");
        }
        w.write('\n');
      }
    }
  }

  /** Per-row 0/1 labels: the label column, else the windows, else null. */
  public static int[] rowLabels(EvaluationSeries series, List<NabLabels.Window> windows) {
    if (series.rowLabels() != null) {
      return series.rowLabels().clone();
    }
    if (windows == null) {
      return null;
    }
    int[] labels = new int[series.rows()];
    for (NabScorer.IndexWindow w :
        NabScorer.toIndexWindows(series.name(), series.timestampsMs(), windows)) {
      for (int i = w.first(); i <= w.last(); i++) {
        labels[i] = 1;
      }
    }
    return labels;
  }

  private static String csvField(String text) {
    if (text.indexOf(',') < 0 && text.indexOf('"') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }
}
