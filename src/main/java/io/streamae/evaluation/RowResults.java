package io.streamae.evaluation;

import java.util.Arrays;

/**
 * One series' results mapped to its rows, as scoring produces them: the first result for a row
 * wins, and a row without one scores 0 (counted as unscored).
 */
final class RowResults {
  private final double[] scores;
  private final boolean[] alarms;
  private final double[] recon;
  private final double[] pred;
  private final boolean[] seen;
  private int warming;

  RowResults(int rows) {
    scores = new double[rows];
    alarms = new boolean[rows];
    recon = new double[rows];
    pred = new double[rows];
    seen = new boolean[rows];
    Arrays.fill(recon, Double.NaN);
    Arrays.fill(pred, Double.NaN);
  }

  boolean seen(int row) {
    return seen[row];
  }

  /** Records a row's result; the score is clamped to [0, 1]. */
  void record(
      int row,
      double score,
      boolean anomalous,
      double reconstructionError,
      double predictionError,
      boolean warmingUp) {
    seen[row] = true;
    scores[row] = Math.max(0.0, Math.min(1.0, score));
    alarms[row] = anomalous;
    recon[row] = reconstructionError;
    pred[row] = predictionError;
    warming += warmingUp ? 1 : 0;
  }

  int unscored() {
    int n = 0;
    for (boolean s : seen) {
      n += s ? 0 : 1;
    }
    return n;
  }

  NabEvaluation.SeriesRun toRun(EvaluationSeries series, int trainRows) {
    return new NabEvaluation.SeriesRun(
        series, trainRows, scores, alarms, recon, pred, unscored(), warming, 0, 0, null);
  }
}
