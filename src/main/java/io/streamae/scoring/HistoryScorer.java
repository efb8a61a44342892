package io.streamae.scoring;

import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.HistoryData;
import io.streamae.sink.AnomalyRecord;
import io.streamae.window.SensorWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Offline scoring of a history file with a bundle, without Flink: every sliding window (slide 1)
 * of every sensor, in time order, through the same {@link AnomalyScorer} the job uses, {@value
 * #BATCH} windows per forward pass.
 */
public final class HistoryScorer {
  static final int BATCH = 256;

  private HistoryScorer() {}

  /** Scores all windows, handing each record to {@code sink}; returns how many were scored. */
  public static long score(ModelBundle bundle, HistoryData history, Consumer<AnomalyRecord> sink) {
    List<String> expected = bundle.layout().featureNames();
    if (!expected.equals(history.featureNames())) {
      throw new IllegalArgumentException(
          String.format(
              "the model expects features %s, the file has %s", expected, history.featureNames()));
    }
    int t = bundle.layout().timesteps();
    int f = expected.size();
    AnomalyScorer scorer = new AnomalyScorer(bundle, BATCH);
    List<SensorWindow> batch = new ArrayList<>(BATCH);
    long count = 0;
    for (var entry : history.series().entrySet()) {
      HistoryData.Series s = entry.getValue();
      AnomalyScorer.Previous previous = null;
      for (int end = t - 1; end < s.rows(); end++) {
        int start = end - t + 1;
        batch.add(
            new SensorWindow(
                entry.getKey(),
                Arrays.copyOfRange(s.timestamps(), start, end + 1),
                Arrays.copyOfRange(s.values(), start * f, (end + 1) * f),
                0));
        if (batch.size() == BATCH || end == s.rows() - 1) {
          AnomalyScorer.Previous stored = previous;
          AnomalyScorer.Batch scored = scorer.scoreBatch(batch, sensor -> stored);
          previous = scored.latest().getOrDefault(entry.getKey(), previous);
          scored.records().forEach(sink);
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
