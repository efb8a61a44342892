package io.streamae.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.AnomalyScorer;
import io.streamae.testkit.TestModels;
import io.streamae.window.SensorWindow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drift detector on the errors of a real model: the tiny sine model scores a stationary
 * synthetic sensor and one whose temperature level drifts upwards over a few hours.
 */
class DriftDetectorTest {
  private static final int T = 8;
  private static ModelBundle bundle;
  private static AnomalyScorer scorer;

  @BeforeAll
  static void train() {
    bundle = TestModels.sineBundle(T, 12);
    scorer = new AnomalyScorer(bundle);
  }

  /** The sine sensor's window ending at {@code step}, its temperature raised by {@code drift}. */
  private static double error(int sensor, int step, double driftPerStep, int driftFrom) {
    long[] ts = new long[T];
    float[] values = new float[T * 2];
    for (int k = 0; k < T; k++) {
      int i = step - T + 1 + k;
      ts[k] = TestModels.T0 + i * TestModels.STEP;
      float[] v = TestModels.sineValues(sensor, i);
      values[2 * k] = v[0] + (float) (driftPerStep * Math.max(0, i - driftFrom));
      values[2 * k + 1] = v[1];
    }
    return scorer
        .score(new SensorWindow("s-" + sensor, ts, values, 0), null)
        .record()
        .reconstructionError();
  }

  private static DriftDetector detector() {
    return new DriftDetector(Retrainer.reference(bundle), 100, 3.0, 0.5, 1_000);
  }

  @Test
  void aStationarySensorDoesNotDrift() {
    DriftDetector detector = detector();
    for (int step = T; step < 3_000; step++) {
      detector.observe("s-0", error(0, step, 0, 0));
      if (step % 100 == 0) {
        assertThat(detector.assess().drifting()).as("drift at step %s", step).isFalse();
      }
    }
    DriftDetector.Assessment a = detector.assess();
    assertThat(a.judged()).isEqualTo(1);
    assertThat(a.drifted()).isEmpty();
  }

  @Test
  void aSensorWhoseLevelDriftsUpwardsDrifts() {
    DriftDetector detector = detector();
    // Normal for 500 steps, then the temperature rises 0.02 per minute: +6 (1.7 of its standard
    // deviations) after five hours.
    int driftFrom = 500;
    int firstDrift = -1;
    for (int step = T; step < 1_100; step++) {
      detector.observe("s-1", error(1, step, 0.02, driftFrom));
      if (step % 20 == 0 && firstDrift < 0 && detector.assess().drifting()) {
        firstDrift = step;
      }
    }
    assertThat(firstDrift).as("drift detected").isGreaterThan(driftFrom);
    DriftDetector.Assessment a = detector.assess();
    assertThat(a.drifting()).isTrue();
    assertThat(a.drifted()).containsOnlyKeys("s-1");
    assertThat(a.worstRatio()).isGreaterThan(3.0);
  }

  @Test
  void oneDriftingSensorOfFourIsAQuarterOfTheFleet() {
    DriftDetector detector = new DriftDetector(Retrainer.reference(bundle), 100, 3.0, 0.25, 1_000);
    for (int step = T; step < 1_100; step++) {
      for (int s = 0; s < 4; s++) {
        detector.observe("s-" + s, error(s, step, s == 3 ? 0.02 : 0, 500));
      }
    }
    DriftDetector.Assessment a = detector.assess();
    assertThat(a.judged()).isEqualTo(4);
    assertThat(a.drifted()).containsOnlyKeys("s-3");
    assertThat(a.driftedShare()).isEqualTo(0.25);
    assertThat(a.drifting()).isTrue();
    detector.reset(a.reference() * 2);
    assertThat(detector.assess().judged()).as("after a reset").isZero();
  }
}
