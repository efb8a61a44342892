package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.sink.AnomalyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The keyed calibration stage in a Flink test harness: per-sensor state, warm-up flags, alarms,
 * pass-through of failed records, and state that survives a snapshot and restore.
 */
class CalibrateScoresFunctionTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final long MINUTE = 60_000L;
  private static final AnomalyLikelihood.Settings SETTINGS =
      AnomalyLikelihood.Settings.builder().warmupWindows(30).historyWindows(500).build();

  private static AnomalyRecord record(String sensor, int step, double error, String status) {
    long end = T0 + step * MINUTE;
    return new AnomalyRecord(
        sensor,
        end - 7 * MINUTE,
        end,
        error,
        new String[] {"temp"},
        new float[] {(float) error},
        new float[] {1f},
        new float[] {1f},
        new long[] {end + MINUTE},
        error,
        error / (error + 0.1),
        0.1,
        error > 0.1,
        false,
        0,
        "m:1",
        status);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, AnomalyRecord, AnomalyRecord>
      harness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new CalibrateScoresFunction(SETTINGS)),
        AnomalyRecord::sensorId,
        TypeInformation.of(String.class));
  }

  private static List<AnomalyRecord> output(
      KeyedOneInputStreamOperatorTestHarness<String, AnomalyRecord, AnomalyRecord> h) {
    List<AnomalyRecord> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((AnomalyRecord) r.getValue());
      }
    }
    return out;
  }

  @Test
  void calibratesEachSensorOnItsOwnHistory() throws Exception {
    Random random = new Random(3);
    try (var h = harness()) {
      h.open();
      for (int step = 0; step < 120; step++) {
        // s-1 errors around 0.01, s-2 around 1.0: both normal for themselves.
        double e1 = 0.01 * Math.exp(0.2 * random.nextGaussian());
        double e2 = 1.0 * Math.exp(0.2 * random.nextGaussian());
        h.processElement(record("s-1", step, step == 100 ? 0.5 : e1, AnomalyRecord.OK), step);
        h.processElement(record("s-2", step, e2, AnomalyRecord.OK), step);
      }
      List<AnomalyRecord> out = output(h);
      assertThat(out).hasSize(240);
      List<AnomalyRecord> s1 = out.stream().filter(r -> r.sensorId().equals("s-1")).toList();
      List<AnomalyRecord> s2 = out.stream().filter(r -> r.sensorId().equals("s-2")).toList();
      assertThat(s1.subList(0, 30))
          .allSatisfy(
              r -> {
                assertThat(r.warmingUp()).isTrue();
                assertThat(r.anomalyScore()).isZero();
                assertThat(r.anomalous()).isFalse();
              });
      assertThat(s1.get(30).warmingUp()).isFalse();
      // 0.5 is 50 times s-1's normal error: an alarm; s-2 lives at 1.0 and raises none.
      assertThat(s1.get(100).anomalous()).isTrue();
      assertThat(s1.get(100).anomalyScore()).isGreaterThan(0.5);
      assertThat(s2.stream().filter(AnomalyRecord::anomalous).count()).isZero();
      // Raw errors and the bundle threshold are kept.
      assertThat(s1.get(100).reconstructionError()).isEqualTo(0.5);
      assertThat(s1.get(100).threshold()).isEqualTo(0.1);
    }
  }

  @Test
  void failedRecordsPassUnchangedAndStateSurvivesARestore() throws Exception {
    OperatorSubtaskState snapshot;
    AnomalyRecord failed = record("s-1", 5, Double.NaN, "SHAPE_MISMATCH: window [2, 1]");
    try (var h = harness()) {
      h.open();
      h.processElement(failed, 5);
      for (int step = 0; step < 60; step++) {
        h.processElement(record("s-1", step, 0.01 + 0.001 * (step % 5), AnomalyRecord.OK), step);
      }
      assertThat(output(h).get(0)).isEqualTo(failed);
      snapshot = h.snapshot(1L, 60);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(record("s-1", 60, 0.012, AnomalyRecord.OK), 60);
      AnomalyRecord next = output(restored).get(0);
      assertThat(next.warmingUp()).as("warm-up is over after the restore").isFalse();
      assertThat(next.anomalous()).isFalse();
    }
    assertThat(TypeInformation.of(AnomalyLikelihood.State.class)).isInstanceOf(PojoTypeInfo.class);
  }
}
