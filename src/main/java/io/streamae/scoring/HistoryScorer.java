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
 * of every sensor, in time order, through the same {@link AnomalyScorer} the job uses.
 */
public final class HistoryScorer {
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
    long count = 0;
    for (var entry : history.series().entrySet()) {
      AnomalyScorer scorer = new AnomalyScorer(bundle);
      HistoryData.Series s = entry.getValue();
      AnomalyScorer.Previous previous = null;
      for (int end = t - 1; end < s.rows(); end++) {
        int start = end - t + 1;
        SensorWindow window =
            new SensorWindow(
                entry.getKey(),
                Arrays.copyOfRange(s.timestamps(), start, end + 1),
                Arrays.copyOfRange(s.values(), start * f, (end + 1) * f),
                0);
        AnomalyScorer.Scored scored = scorer.score(window, previous);
        previous = scored.next();
        sink.accept(scored.record());
        count++;
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
