package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.testkit.TestModels;
import io.streamae.window.SensorWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnomalyScorerTest {
  static final int T = 8;
  private static ModelBundle bundle;

  @BeforeAll
  static void train() {
    bundle = TestModels.sineBundle(T, 30);
  }

  private static SensorWindow window(int firstStep, float tempOffset) {
    return window(0, firstStep, tempOffset);
  }

  /** Window of sensor {@code s-(sensor+1)} over steps firstStep .. firstStep+T-1. */
  static SensorWindow window(int sensor, int firstStep, float tempOffset) {
    long[] ts = new long[T];
    float[] values = new float[T * 2];
    for (int t = 0; t < T; t++) {
      ts[t] = TestModels.T0 + (firstStep + t) * TestModels.STEP;
      float[] v = TestModels.sineValues(sensor, firstStep + t);
      values[t * 2] = v[0] + (t >= T - 3 ? tempOffset : 0);
      values[t * 2 + 1] = v[1];
    }
    return new SensorWindow("s-" + (sensor + 1), ts, values, 0);
  }

  /**
   * Consecutive windows of three sensors, interleaved as the job delivers them, a fault on s-2 and
   * one window of the wrong shape among them.
   */
  private static List<SensorWindow> stream(int perSensor) {
    List<SensorWindow> out = new ArrayList<>();
    for (int i = 0; i < perSensor; i++) {
      for (int s = 0; s < 3; s++) {
        out.add(window(s, 100 + i, s == 1 && i >= 40 && i < 45 ? 15 : 0));
      }
      if (i == 10) {
        out.add(new SensorWindow("s-3", new long[] {1, 2}, new float[] {1, 2, 3, 4}, 0));
      }
    }
    return out;
  }

  /** One call per window, each sensor's prediction handed on to its next window. */
  private static List<AnomalyRecord> oneByOne(List<SensorWindow> windows) {
    AnomalyScorer scorer = new AnomalyScorer(bundle);
    Map<String, AnomalyScorer.Previous> previous = new HashMap<>();
    List<AnomalyRecord> out = new ArrayList<>();
    for (SensorWindow w : windows) {
      AnomalyScorer.Scored scored = scorer.score(w, previous.get(w.sensorId()));
      previous.put(w.sensorId(), scored.next());
      out.add(scored.record());
    }
    return out;
  }

  @Test
  void aBatchOfManySensorsGivesTheRecordsOfOneCallPerWindow() {
    // 211 windows: enough to run the lane-per-window kernel, which rounds differently.
    List<SensorWindow> windows = stream(70);
    List<AnomalyRecord> expected = oneByOne(windows);

    AnomalyScorer.Batch batch = new AnomalyScorer(bundle, 256).scoreBatch(windows, sensor -> null);

    SameRecords.assertSame(batch.records(), expected);
    // The comparison covers flagged and normal windows, failed ones and prediction checks.
    assertThat(expected).filteredOn(r -> r.anomalous() && r.sensorId().equals("s-2")).isNotEmpty();
    assertThat(expected).filteredOn(r -> r.ok() && !r.anomalous()).isNotEmpty();
    assertThat(expected).filteredOn(r -> !r.ok()).hasSize(1);
    assertThat(expected)
        .filteredOn(r -> Double.isFinite(r.predictionError()))
        .hasSizeGreaterThan(200);
    assertThat(batch.latest()).containsOnlyKeys("s-1", "s-2", "s-3");
  }

  @Test
  void batchesHandPredictionsOnThroughTheLookup() {
    List<SensorWindow> windows = stream(30);
    List<AnomalyRecord> expected = oneByOne(windows);

    AnomalyScorer scorer = new AnomalyScorer(bundle, 16);
    Map<String, AnomalyScorer.Previous> stored = new HashMap<>();
    List<String> asked = new ArrayList<>();
    List<AnomalyRecord> actual = new ArrayList<>();
    for (int from = 0; from < windows.size(); from += 16) {
      AnomalyScorer.Batch batch =
          scorer.scoreBatch(
              windows.subList(from, Math.min(from + 16, windows.size())),
              sensor -> {
                asked.add(sensor);
                return stored.get(sensor);
              });
      stored.putAll(batch.latest());
      actual.addAll(batch.records());
    }

    SameRecords.assertSame(actual, expected);
    // Each batch asks once per sensor it holds: 6 batches of 3 sensors.
    assertThat(asked).hasSize(6 * 3);
  }

  @Test
  void refusesABatchLargerThanItWasBuiltFor() {
    AnomalyScorer scorer = new AnomalyScorer(bundle, 4);
    assertThatThrownBy(() -> scorer.scoreBatch(stream(2), sensor -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 4");
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
    assertThat(r.status())
        .startsWith(AnomalyScorer.SHAPE_MISMATCH)
        .contains("[2, 2]")
        .contains("[8, 2]");
    assertThat(r.anomalous()).isFalse();
  }
}
