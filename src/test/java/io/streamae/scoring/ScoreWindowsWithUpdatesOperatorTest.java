package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.ingest.DeadLetter;
import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.tensor.TensorLayout;
import io.streamae.testkit.TestModels;
import io.streamae.window.SensorWindow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score-windows} with its model-updates input in a Flink test harness: an update takes
 * effect between batches, survives a snapshot and restore (the bundle is reloaded from its URI),
 * routes pin sensors to model ids, and a bundle built for other windows is refused with a dead
 * letter while the old model goes on scoring.
 */
class ScoreWindowsWithUpdatesOperatorTest {
  private static final int T = AnomalyScorerTest.T;

  @TempDir static Path dir;
  private static Path v1;
  private static Path v2;
  private static Path pumps;
  private static Path longer;
  private static TensorLayout layout;

  @BeforeAll
  static void trainModels() throws Exception {
    v1 = write(TestModels.sineBundle(T, 3, 8, "fleet", "1"));
    v2 = write(TestModels.sineBundle(T, 1, 8, "fleet", "2"));
    pumps = write(TestModels.sineBundle(T, 1, 6, "pumps", "1"));
    longer = write(TestModels.sineBundle(T + 2, 1, 6, "fleet", "3"));
    layout = ModelLoader.load(v1.toString()).layout();
  }

  private static Path write(ModelBundle bundle) throws Exception {
    Path file = dir.resolve(bundle.versionLabel().replace(':', '-') + ".sae");
    bundle.write(file);
    return file;
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, SensorWindow, ModelUpdate, AnomalyRecord>
      harness(String routes, int batchSize) throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new ScoreWindowsWithUpdatesOperator(
                v1.toString(), ModelRoutes.parse(routes), layout, batchSize, Duration.ofMinutes(1)),
            SensorWindow::sensorId,
            null,
            TypeInformation.of(String.class));
    return h;
  }

  private static List<AnomalyRecord> records(
      KeyedTwoInputStreamOperatorTestHarness<String, SensorWindow, ModelUpdate, AnomalyRecord> h) {
    List<AnomalyRecord> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((AnomalyRecord) r.getValue());
      }
    }
    return out;
  }

  private static void send(
      KeyedTwoInputStreamOperatorTestHarness<String, SensorWindow, ModelUpdate, AnomalyRecord> h,
      int sensor,
      int step)
      throws Exception {
    SensorWindow w = AnomalyScorerTest.window(sensor, step, 0);
    h.processElement1(new StreamRecord<>(w, w.end()));
  }

  @Test
  void anUpdateTakesEffectBetweenBatchesAndSurvivesARestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness("", 4)) {
      h.open();
      send(h, 0, 0);
      send(h, 1, 0);
      assertThat(records(h)).isEmpty(); // waiting for the batch to fill
      h.processElement2(new StreamRecord<>(ModelUpdate.describe(v2, null)));
      // The windows that arrived before the update are scored with the model they arrived under.
      assertThat(records(h))
          .extracting(AnomalyRecord::modelVersion)
          .containsExactly("fleet:1", "fleet:1");
      for (int s = 0; s < 4; s++) {
        send(h, s, 1);
      }
      assertThat(records(h))
          .extracting(AnomalyRecord::modelVersion)
          .containsExactly("fleet:1", "fleet:1", "fleet:2", "fleet:2", "fleet:2", "fleet:2");
      snapshot = h.snapshot(1, 1);
    }
    try (var restored = harness("", 1)) {
      restored.initializeState(snapshot);
      restored.open();
      send(restored, 0, 2);
      AnomalyRecord record = records(restored).get(0);
      assertThat(record.modelVersion()).isEqualTo("fleet:2");
      double offline =
          new AnomalyScorer(ModelLoader.load(v2.toString()))
              .score(AnomalyScorerTest.window(0, 2, 0), null)
              .record()
              .reconstructionError();
      assertThat(record.reconstructionError()).isEqualTo(offline);
    }
  }

  @Test
  void routesPinSensorsToModelIdsOnceTheirModelIsPublished() throws Exception {
    try (var h = harness("s-1=pumps, s-2*=pumps", 1)) {
      h.open();
      for (int s = 0; s < 3; s++) {
        send(h, s, 0);
      }
      h.processElement2(new StreamRecord<>(ModelUpdate.describe(pumps, null)));
      for (int s = 0; s < 3; s++) {
        send(h, s, 1);
      }
      assertThat(records(h))
          .extracting(r -> r.sensorId() + " " + r.modelVersion())
          .containsExactly(
              // until pumps has a bundle, its sensors score with the default model
              "s-1 fleet:1",
              "s-2 fleet:1",
              "s-3 fleet:1",
              "s-1 pumps:1",
              "s-2 pumps:1",
              "s-3 fleet:1");
    }
  }

  @Test
  void aBundleForOtherWindowsIsRefusedAndTheOldModelKeepsScoring() throws Exception {
    try (var h = harness("", 1)) {
      h.open();
      ModelUpdate update = ModelUpdate.describe(longer, null);
      h.processElement2(new StreamRecord<>(update));
      send(h, 0, 0);
      assertThat(records(h)).extracting(AnomalyRecord::modelVersion).containsExactly("fleet:1");
      ConcurrentLinkedQueue<StreamRecord<DeadLetter>> letters =
          h.getSideOutput(ScoreWindowsWithUpdatesOperator.REJECTED_MODELS);
      assertThat(letters).hasSize(1);
      DeadLetter letter = letters.peek().getValue();
      assertThat(letter.reason()).isEqualTo(ScoreWindowsWithUpdatesOperator.MODEL_REJECTED);
      assertThat(letter.stage()).isEqualTo("model");
      assertThat(letter.detail()).contains("fleet:3", "expects windows of " + (T + 2) + " steps");
      assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).contains(update.sha256());
    }
  }
}
