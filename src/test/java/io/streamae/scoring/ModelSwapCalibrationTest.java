package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.testkit.TestModels;
import io.streamae.window.SensorWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model swap to a version with another error scale, through the real {@link
 * CalibrateScoresFunction} with the job's default calibration settings: two versions of one model
 * id, trained on the same sine sensors for different numbers of epochs, score the same normal
 * readings. With the reset to the new version's prior the alarm rate after the swap stays at the
 * level before it; the same records with the version change hidden (the old calibration judging the
 * new model's errors) set off an alarm storm.
 */
class ModelSwapCalibrationTest {
  private static final int TIMESTEPS = 8;
  private static final int SENSORS = 4;
  private static final int BEFORE = 1500;
  private static final int AFTER = 1000;
  private static final AnomalyLikelihood.Settings SETTINGS =
      AnomalyLikelihood.Settings.builder().build();

  private static ModelBundle v1;
  private static ModelBundle v2;

  @BeforeAll
  static void trainTwoVersions() {
    v1 = TestModels.sineBundle(TIMESTEPS, 12, 12, "fleet", "1");
    v2 = TestModels.sineBundle(TIMESTEPS, 2, 12, "fleet", "2");
    ModelPriors.register(v1);
    ModelPriors.register(v2);
  }

  @Test
  void theTwoVersionsHaveDifferentErrorScales() {
    double p50v1 = v1.metadata().calibration().validation().p50();
    double p50v2 = v2.metadata().calibration().validation().p50();
    assertThat(p50v2 / p50v1).as("v2/v1 median validation error").isGreaterThan(2.0);
  }

  @Test
  void aSwapStartsCalibrationFromTheNewVersionsPriorAndRaisesNoAlarmStorm() throws Exception {
    List<AnomalyRecord> records = scoreWithSwap();
    Rates withReset = alarmRates(records);
    List<AnomalyRecord> hidden = new ArrayList<>();
    for (AnomalyRecord r : records) {
      hidden.add(r.modelVersion().equals(v2.versionLabel()) ? relabel(r, v1.versionLabel()) : r);
    }
    Rates withoutReset = alarmRates(hidden);
    System.out.printf(
        "alarm rate before the swap %.4f; after it %.4f with the reset, %.4f without%n",
        withReset.before,
        withReset.after,
        withoutReset.before == withReset.before ? withoutReset.after : Double.NaN);

    assertThat(withoutReset.before).isEqualTo(withReset.before);
    // The storm the reset prevents: the old calibration judging the new version's errors.
    assertThat(withoutReset.after)
        .as("alarm rate after the swap without the reset")
        .isGreaterThan(0.05);
    assertThat(withReset.after)
        .as("alarm rate after the swap with the reset")
        .isLessThanOrEqualTo(Math.max(2 * withReset.before, 0.01));
    // No warm-up gap: the new version is judged from its first window.
    assertThat(withReset.warmingUpAfter).isZero();
  }

  /** Readings of every sensor, scored by v1 for {@link #BEFORE} windows, then by v2. */
  private static List<AnomalyRecord> scoreWithSwap() {
    AnomalyScorer first = new AnomalyScorer(v1, SENSORS);
    AnomalyScorer second = new AnomalyScorer(v2, SENSORS);
    Map<String, AnomalyScorer.Previous> previous = new HashMap<>();
    List<AnomalyRecord> out = new ArrayList<>();
    for (int w = 0; w < BEFORE + AFTER; w++) {
      List<SensorWindow> batch = new ArrayList<>();
      for (int s = 0; s < SENSORS; s++) {
        batch.add(window(s, w));
      }
      AnomalyScorer scorer = w < BEFORE ? first : second;
      AnomalyScorer.Batch scored = scorer.scoreBatch(batch, previous::get);
      previous.putAll(scored.latest());
      out.addAll(scored.records());
    }
    return out;
  }

  private static SensorWindow window(int sensor, int w) {
    long[] ts = new long[TIMESTEPS];
    float[] values = new float[TIMESTEPS * 2];
    for (int k = 0; k < TIMESTEPS; k++) {
      int step = w + k;
      ts[k] = TestModels.T0 + step * TestModels.STEP;
      float[] v = TestModels.sineValues(sensor, step);
      values[2 * k] = v[0];
      values[2 * k + 1] = v[1];
    }
    return new SensorWindow("pump-" + sensor, ts, values, 0);
  }

  private record Rates(double before, double after, long warmingUpAfter) {}

  /** Shares of alarmed windows after warm-up and before the swap, and after the swap. */
  private static Rates alarmRates(List<AnomalyRecord> records) throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, AnomalyRecord, AnomalyRecord> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new CalibrateScoresFunction(SETTINGS)),
            AnomalyRecord::sensorId,
            TypeInformation.of(String.class))) {
      h.open();
      for (AnomalyRecord r : records) {
        h.processElement(r, r.windowEnd());
      }
      long alarmsBefore = 0;
      long judgedBefore = 0;
      long alarmsAfter = 0;
      long judgedAfter = 0;
      long warmingAfter = 0;
      int i = 0;
      for (Object o : h.getOutput()) {
        if (!(o instanceof StreamRecord<?> sr)) {
          continue;
        }
        AnomalyRecord r = (AnomalyRecord) sr.getValue();
        boolean after = i++ / SENSORS >= BEFORE;
        if (after) {
          judgedAfter++;
          alarmsAfter += r.anomalous() ? 1 : 0;
          warmingAfter += r.warmingUp() ? 1 : 0;
        } else if (!r.warmingUp()) {
          judgedBefore++;
          alarmsBefore += r.anomalous() ? 1 : 0;
        }
      }
      return new Rates(
          (double) alarmsBefore / judgedBefore, (double) alarmsAfter / judgedAfter, warmingAfter);
    }
  }

  private static AnomalyRecord relabel(AnomalyRecord r, String version) {
    return new AnomalyRecord(
        r.sensorId(),
        r.windowStart(),
        r.windowEnd(),
        r.reconstructionError(),
        r.featureNames(),
        r.featureErrors(),
        r.attribution(),
        r.predictions(),
        r.predictionTimestamps(),
        r.predictionError(),
        r.anomalyScore(),
        r.threshold(),
        r.anomalous(),
        r.warmingUp(),
        r.filledValues(),
        version,
        r.status(),
        r.releasedByTimeout(),
        r.lastValues());
  }
}
