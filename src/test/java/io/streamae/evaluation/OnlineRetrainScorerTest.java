package io.streamae.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.io.ModelBundle;
import io.streamae.retrain.RetrainSettings;
import io.streamae.scoring.AnomalyLikelihood;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code evaluate --online-retrain}: the series' model is fine-tuned every N rows from what was
 * seen, and the labels never reach it.
 */
class OnlineRetrainScorerTest {
  private static final int ROWS = 900;

  private static EvaluationSeries series(int[] labels) {
    long[] ts = new long[ROWS];
    String[] texts = new String[ROWS];
    float[] values = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      ts[i] = 1_400_000_000_000L + i * 300_000L;
      texts[i] = Long.toString(ts[i]);
      // a daily-like cycle whose level rises in the second half
      values[i] = (float) (10 * Math.sin(2 * Math.PI * i / 48.0) + (i > 450 ? 5 : 0));
    }
    return new EvaluationSeries("level-shift", List.of("value"), ts, texts, values, labels);
  }

  @Test
  void retrainsEveryNRowsAndNeverLooksAtTheLabels() {
    NabEvaluation evaluation =
        new NabEvaluation(
            NabEvaluation.Settings.builder().timesteps(8).hidden(8).epochs(2).seed(3).build());
    int[] none = new int[ROWS];
    int[] all = new int[ROWS];
    Arrays.fill(all, 1);
    EvaluationSeries plain = series(none);
    ModelBundle bundle = evaluation.train(plain, 150);
    AnomalyLikelihood.Settings scoring =
        AnomalyLikelihood.Settings.builder().warmupWindows(50).build();
    RetrainSettings retrain =
        RetrainSettings.builder().sampleWindows(256).minWindows(64).epochs(2).build();
    OnlineRetrainScorer scorer = new OnlineRetrainScorer(scoring, retrain, 250);

    OnlineRetrainScorer.Outcome a = scorer.score(plain, 150, bundle);
    OnlineRetrainScorer.Outcome b = scorer.score(series(all), 150, bundle);
    OnlineRetrainScorer.Outcome never =
        new OnlineRetrainScorer(scoring, retrain, 1_000_000).score(plain, 150, bundle);

    // Rows 400, 650: every 250 rows after the 150 training rows, while rows remain.
    assertThat(a.retrains()).isEqualTo(2);
    assertThat(never.retrains()).isZero();
    assertThat(b.run().scores()).as("labels change nothing").containsExactly(a.run().scores());
    assertThat(a.run().reconstructionErrors()).isNotEqualTo(never.run().reconstructionErrors());
    assertThat(a.run().unscoredRows()).isEqualTo(7);
  }
}
