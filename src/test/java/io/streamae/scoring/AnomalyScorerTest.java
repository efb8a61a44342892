package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.testkit.TestModels;
import io.streamae.window.SensorWindow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnomalyScorerTest {
  private static final int T = 8;
  private static ModelBundle bundle;

  @BeforeAll
  static void train() {
    bundle = TestModels.sineBundle(T, 30);
  }

  private static SensorWindow window(int firstStep, float tempOffset) {
    long[] ts = new long[T];
    float[] values = new float[T * 2];
    for (int t = 0; t < T; t++) {
      ts[t] = TestModels.T0 + (firstStep + t) * TestModels.STEP;
      float[] v = TestModels.sineValues(0, firstStep + t);
      values[t * 2] = v[0] + (t >= T - 3 ? tempOffset : 0);
      values[t * 2 + 1] = v[1];
    }
    return new SensorWindow("s-1", ts, values, 0);
  }

  @Test
  void normalWindowsScoreLowAndAFaultyOneIsFlaggedWithTheRightFeature() {
    AnomalyScorer scorer = new AnomalyScorer(bundle);
    AnomalyRecord normal = scorer.score(window(100, 0), null).record();
    AnomalyRecord faulty = scorer.score(window(100, 15), null).record();

    assertThat(normal.anomalous()).isFalse();
    assertThat(normal.anomalyScore()).isLessThan(0.5);
    assertThat(faulty.anomalous()).isTrue();
    assertThat(faulty.anomalyScore()).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
    assertThat(faulty.reconstructionError()).isGreaterThan(normal.reconstructionError() * 10);
    // The temperature channel was broken: it carries most of the error.
    assertThat(faulty.featureNames()).containsExactly("temp", "current");
    assertThat(faulty.attribution()[0]).isGreaterThan(0.5f);
    assertThat(faulty.attribution()[0] + faulty.attribution()[1]).isCloseTo(1f, within(1e-5f));
    assertThat(faulty.modelVersion()).isEqualTo("test-sine:1");
  }

  @Test
  void predictionsAreInOriginalUnitsAndCheckedAgainstTheNextReading() {
    AnomalyScorer scorer = new AnomalyScorer(bundle);
    AnomalyScorer.Scored first = scorer.score(window(200, 0), null);
    AnomalyRecord r = first.record();
    assertThat(r.predictionError()).isNaN();
    assertThat(r.predictionTimestamps()).containsExactly(r.windowEnd() + TestModels.STEP);
    float[] actual = TestModels.sineValues(0, 200 + T);
    assertThat(r.predictions()[0]).isCloseTo(actual[0], within(2.5f));
    assertThat(r.predictions()[1]).isCloseTo(actual[1], within(1.0f));

    AnomalyRecord next = scorer.score(window(201, 0), first.next()).record();
    assertThat(next.predictionError()).isFinite().isLessThan(0.5);
    AnomalyRecord surprise = scorer.score(window(201, 20), first.next()).record();
    assertThat(surprise.predictionError()).isGreaterThan(next.predictionError() * 10);
    // A window that does not contain the predicted step cannot check the prediction.
    assertThat(scorer.score(window(230, 0), first.next()).record().predictionError()).isNaN();
  }

  @Test
  void aWindowOfTheWrongShapeIsNotScored() {
    SensorWindow shorter = new SensorWindow("s-1", new long[] {1, 2}, new float[] {1, 2, 3, 4}, 0);
    AnomalyRecord r = new AnomalyScorer(bundle).score(shorter, null).record();
    assertThat(r.ok()).isFalse();
    assertThat(r.status()).startsWith(AnomalyScorer.SHAPE_MISMATCH).contains("[2, 2]").contains("[8, 2]");
    assertThat(r.anomalous()).isFalse();
  }
}
