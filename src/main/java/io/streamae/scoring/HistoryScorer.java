package io.streamae.scoring;

import io.streamae.model.io.HistoryData;
import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.window.SensorWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Offline scoring of a history file with a bundle, without Flink: every sliding window of every
 * sensor, in time order, through the same {@link AnomalyScorer} the job uses, {@value #BATCH}
 * windows per forward pass, then through the same per-sensor calibration as the job's {@code
 * calibrate-scores} ({@link AnomalyLikelihood}), so {@code anomalyScore}, {@code anomalous} and
 * {@code warmingUp} mean what they mean in the job's output; the bundle's threshold stays in {@code
 * threshold}.
 */
public final class HistoryScorer {
  static final int BATCH = 256;

  private HistoryScorer() {}

  /** Scores all windows (slide 1, the job's default calibration) into {@code sink}. */
  public static long score(ModelBundle bundle, HistoryData history, Consumer<AnomalyRecord> sink) {
    return score(bundle, history, AnomalyLikelihood.Settings.builder().build(), 1, sink);
  }

  /**
   * Scores a window every {@code slide} readings of each sensor, as the job's window assembler
   * does, calibrates it with {@code settings} and hands each record to {@code sink}.
   *
   * @return windows scored
   */
  public static long score(
      ModelBundle bundle,
      HistoryData history,
      AnomalyLikelihood.Settings settings,
      int slide,
      Consumer<AnomalyRecord> sink) {
    List<String> expected = bundle.layout().featureNames();
    if (!expected.equals(history.featureNames())) {
      throw new IllegalArgumentException(
          String.format(
              "the model expects features %s, the file has %s", expected, history.featureNames()));
    }
    int t = bundle.layout().timesteps();
    int f = expected.size();
    AnomalyScorer scorer = new AnomalyScorer(bundle, BATCH);
    AnomalyLikelihood likelihood = new AnomalyLikelihood(settings);
    List<SensorWindow> batch = new ArrayList<>(BATCH);
    long count = 0;
    for (var entry : history.series().entrySet()) {
      HistoryData.Series s = entry.getValue();
      AnomalyScorer.Previous previous = null;
      AnomalyLikelihood.State state = AnomalyLikelihood.State.create(settings);
      int last = t - 1 + (s.rows() < t ? 0 : (s.rows() - t) / slide * slide);
      for (int end = t - 1; end < s.rows(); end += slide) {
        int start = end - t + 1;
        batch.add(
            new SensorWindow(
                entry.getKey(),
                Arrays.copyOfRange(s.timestamps(), start, end + 1),
                Arrays.copyOfRange(s.values(), start * f, (end + 1) * f),
                0));
        if (batch.size() == BATCH || end == last) {
          AnomalyScorer.Previous stored = previous;
          AnomalyScorer.Batch scored = scorer.scoreBatch(batch, sensor -> stored);
          previous = scored.latest().getOrDefault(entry.getKey(), previous);
          for (AnomalyRecord r : scored.records()) {
            if (!r.ok()) {
              sink.accept(r);
              continue;
            }
            AnomalyLikelihood.Result calibrated =
                likelihood.update(
                    state,
                    r.reconstructionError(),
                    r.featureErrors(),
                    r.predictionError(),
                    r.lastValues(),
                    r.windowEnd());
            sink.accept(
                r.withCalibration(
                    calibrated.score(), calibrated.anomalous(), calibrated.warmingUp()));
          }
          count += batch.size();
          batch.clear();
        }
      }
    }
    return count;
  }

  /** All records, for small files and tests. */
  public static List<AnomalyRecord> scoreAll(ModelBundle bundle, HistoryData history) {
    List<AnomalyRecord> out = new ArrayList<>();
    score(bundle, history, out::add);
    return out;
  }
}
