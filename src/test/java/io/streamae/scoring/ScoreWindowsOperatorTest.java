package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.tensor.TensorLayout;
import io.streamae.testkit.TestModels;
import io.streamae.window.SensorWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keyed scoring operator in a Flink test harness: windows of many sensors wait for a batch
 * until it is full, the oldest has waited long enough, a watermark or checkpoint barrier comes, or
 * the input ends; the records equal those of unbatched scoring, before and after a restore.
 */
class ScoreWindowsOperatorTest {
  private static final Duration NO_WAIT = Duration.ZERO;
  private static final Duration LONG_WAIT = Duration.ofMinutes(1);

  @TempDir static Path dir;
  private static String modelPath;
  private static TensorLayout layout;

  @BeforeAll
  static void trainModel() throws Exception {
    ModelBundle bundle = TestModels.sineBundle(AnomalyScorerTest.T, 30);
    Path file = dir.resolve("model.sae");
    bundle.write(file);
    modelPath = file.toString();
    layout = bundle.layout();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, SensorWindow, AnomalyRecord>
      harness(int batchSize, Duration maxWait) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new ScoreWindowsOperator(modelPath, layout, batchSize, maxWait),
        SensorWindow::sensorId,
        TypeInformation.of(String.class));
  }

  /** Consecutive windows of three sensors, interleaved by step, s-2 faulty for five steps. */
  private static List<SensorWindow> windows(int fromStep, int toStep) {
    List<SensorWindow> out = new ArrayList<>();
    for (int step = fromStep; step < toStep; step++) {
      for (int s = 0; s < 3; s++) {
        out.add(AnomalyScorerTest.window(s, step, s == 1 && step >= 140 && step < 145 ? 15 : 0));
      }
    }
    return out;
  }

  private static void send(
      KeyedOneInputStreamOperatorTestHarness<String, SensorWindow, AnomalyRecord> h,
      List<SensorWindow> windows)
      throws Exception {
    for (SensorWindow w : windows) {
      h.processElement(new StreamRecord<>(w, w.end()));
    }
  }

  private static List<AnomalyRecord> records(
      KeyedOneInputStreamOperatorTestHarness<String, SensorWindow, AnomalyRecord> h) {
    List<AnomalyRecord> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((AnomalyRecord) r.getValue());
      }
    }
    return out;
  }

  /** Each window scored as it arrives. */
  private static List<AnomalyRecord> unbatched(List<SensorWindow> windows) throws Exception {
    try (var h = harness(1, NO_WAIT)) {
      h.open();
      send(h, windows);
      assertThat(h.getOutput()).as("batch size 1 scores at once").hasSize(windows.size());
      return records(h);
    }
  }

  @Test
  void batchedAndUnbatchedScoringGiveTheSameRecords() throws Exception {
    List<SensorWindow> windows = windows(100, 170);
    List<AnomalyRecord> expected = unbatched(windows);

    List<AnomalyRecord> batched;
    try (var h = harness(256, LONG_WAIT)) {
      h.open();
      send(h, windows);
      assertThat(h.getOutput()).as("210 windows wait for a batch of 256").isEmpty();
      h.endInput();
      batched = records(h);
    }

    SameRecords.assertSame(batched, expected);
    assertThat(expected).filteredOn(r -> r.anomalous() && r.sensorId().equals("s-2")).isNotEmpty();
    assertThat(expected).filteredOn(r -> Double.isFinite(r.predictionError())).hasSize(207);
  }

  @Test
  void scoresABatchAsSoonAsItIsFullAndKeepsArrivalOrderAndEventTimes() throws Exception {
    List<SensorWindow> windows = windows(100, 104);
    try (var h = harness(4, LONG_WAIT)) {
      h.open();
      send(h, windows.subList(0, 3));
      assertThat(h.getOutput()).isEmpty();
      send(h, windows.subList(3, 5));
      assertThat(h.getOutput()).hasSize(4);
      send(h, windows.subList(5, 8));
      assertThat(h.getOutput()).hasSize(8);

      List<String> expected = new ArrayList<>();
      List<String> actual = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        expected.add(windows.get(i).sensorId() + "@" + windows.get(i).end());
        StreamRecord<?> r = (StreamRecord<?>) h.getOutput().toArray()[i];
        AnomalyRecord record = (AnomalyRecord) r.getValue();
        assertThat(r.getTimestamp()).isEqualTo(record.windowEnd());
        actual.add(record.sensorId() + "@" + record.windowEnd());
      }
      assertThat(actual).isEqualTo(expected);
    }
  }

  @Test
  void scoresAWaitingBatchOnceItsOldestWindowHasWaitedMaxWait() throws Exception {
    List<SensorWindow> windows = windows(100, 102);
    try (var h = harness(2, Duration.ofMillis(5))) {
      h.open();
      h.setProcessingTime(0);
      send(h, windows.subList(0, 1)); // waits until 5
      h.setProcessingTime(1);
      send(h, windows.subList(1, 2)); // full: scored now
      assertThat(records(h)).hasSize(2);

      h.setProcessingTime(3);
      send(h, windows.subList(2, 3)); // waits until 8
      h.setProcessingTime(5); // the first batch's timer: not this batch's
      assertThat(records(h)).hasSize(2);
      h.setProcessingTime(7);
      assertThat(records(h)).hasSize(2);
      h.setProcessingTime(8);
      assertThat(records(h)).hasSize(3);
    }
  }

  @Test
  void holdsAWatermarkBackUntilTheWindowsBeforeItHaveLeft() throws Exception {
    List<SensorWindow> windows = windows(100, 102);
    try (var h = harness(6, LONG_WAIT)) {
      h.open();
      Watermark idle = new Watermark(windows.get(0).end() - 1);
      h.processWatermark(idle);
      assertThat(h.getOutput()).as("nothing waits: passed on at once").containsExactly(idle);

      send(h, windows.subList(0, 3));
      Watermark first = new Watermark(windows.get(2).end());
      h.processWatermark(first);
      send(h, windows.subList(3, 5));
      Watermark second = new Watermark(windows.get(4).end());
      h.processWatermark(second);
      assertThat(h.getOutput()).as("held while windows wait").containsExactly(idle);

      send(h, windows.subList(5, 6)); // the batch of 6 is full
      Object[] out = h.getOutput().toArray();
      assertThat(out).hasSize(8);
      for (int i = 1; i <= 6; i++) {
        assertThat(out[i]).isInstanceOf(StreamRecord.class);
      }
      assertThat(out[7]).as("only the newest held watermark, after the records").isEqualTo(second);
    }
  }

  @Test
  void aCheckpointHoldsNoWaitingWindowAndARestoreContinuesEachSensorsPredictions()
      throws Exception {
    List<SensorWindow> first = windows(100, 130);
    List<SensorWindow> second = windows(130, 160);
    List<SensorWindow> all = new ArrayList<>(first);
    all.addAll(second);
    List<AnomalyRecord> expected = unbatched(all);

    List<AnomalyRecord> resumed = new ArrayList<>();
    OperatorSubtaskState snapshot;
    try (var h = harness(64, LONG_WAIT)) {
      h.open();
      send(h, first);
      assertThat(records(h)).as("one full batch of 64 so far").hasSize(64);
      // What the task does before it sends a checkpoint barrier on, then the snapshot itself.
      h.prepareSnapshotPreBarrier(1L);
      assertThat(records(h)).as("the barrier waits for the batch").hasSize(first.size());
      snapshot = h.snapshot(1L, 1L);
      resumed.addAll(records(h));
    }
    try (var restored = harness(64, LONG_WAIT)) {
      restored.setup();
      restored.initializeState(snapshot);
      restored.open();
      send(restored, second);
      restored.endInput();
      resumed.addAll(records(restored));
    }

    SameRecords.assertSame(resumed, expected);
    // The first window after the restore checks the prediction stored before it.
    assertThat(resumed.get(first.size()).predictionError()).isFinite();
  }

  @Test
  void aModelForOtherWindowsStopsStartUpNamingBothShapes() throws Exception {
    TensorLayout other = new TensorLayout(AnomalyScorerTest.T + 4, layout.featureNames());
    try (var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new ScoreWindowsOperator(modelPath, other, 8, LONG_WAIT),
            SensorWindow::sensorId,
            TypeInformation.of(String.class))) {
      assertThatThrownBy(h::open)
          .hasMessageContaining("expects windows of 8 steps")
          .hasMessageContaining("the job builds 12 steps");
    }
  }

  @Test
  void refusesAnEmptyBatchOrANegativeWait() {
    assertThatThrownBy(() -> new ScoreWindowsOperator(modelPath, layout, 0, LONG_WAIT))
        .hasMessageContaining("batch size must be >= 1");
    assertThatThrownBy(() -> new ScoreWindowsOperator(modelPath, layout, 8, Duration.ofMillis(-1)))
        .hasMessageContaining("must not be negative");
  }
}
