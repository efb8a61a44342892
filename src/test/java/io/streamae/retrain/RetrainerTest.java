package io.streamae.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.AnomalyScorer;
import io.streamae.sink.AnomalyRecord;
import io.streamae.testkit.TestModels;
import io.streamae.window.SensorWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrainer's decisions on results of a real model (no Flink): four sine sensors, one of which
 * drifts to a new level; its windows come as the job would judge them — alarmed for a while after
 * the drift, normal again once the calibration has relearned. A publish writes a real file.
 */
class RetrainerTest {
  private static final int T = 8;
  private static final int SENSORS = 4;
  private static final int DRIFT_FROM = 300;
  private static final int ALARMED_UNTIL = 500;
  private static ModelBundle v1;

  @TempDir Path dir;

  @BeforeAll
  static void train() {
    v1 = TestModels.sineBundle(T, 10, 8, "fleet", "1");
  }

  private static float[] values(int sensor, int step) {
    float[] v = TestModels.sineValues(sensor, step);
    if (sensor == SENSORS - 1 && step >= DRIFT_FROM) {
      v[0] += (float) (8 * Math.min(1.0, (step - DRIFT_FROM) / 100.0));
    }
    return v;
  }

  /**
   * The result of the window of {@code sensor} ending at {@code step}, scored by {@code bundle}.
   */
  private static ScoredWindow result(AnomalyScorer scorer, int sensor, int step) {
    long[] ts = new long[T];
    float[] vs = new float[T * 2];
    for (int k = 0; k < T; k++) {
      int i = step - T + 1 + k;
      ts[k] = TestModels.T0 + i * TestModels.STEP;
      System.arraycopy(values(sensor, i), 0, vs, 2 * k, 2);
    }
    AnomalyRecord r = scorer.score(new SensorWindow("s-" + sensor, ts, vs, 0), null).record();
    boolean alarmed = sensor == SENSORS - 1 && step >= DRIFT_FROM && step < ALARMED_UNTIL;
    String version = scorer.bundle().versionLabel();
    return new ScoredWindow(
        "s-" + sensor,
        ts[0],
        ts[T - 1],
        scorer.bundle().metadata().modelId(),
        version,
        r.reconstructionError(),
        r.predictionError(),
        alarmed,
        !alarmed,
        ts[T - 1],
        values(sensor, step));
  }

  @Test
  void retrainsOnceTheDriftedSensorIsJudgedNormalAgainThenTakesTheNewVersion() throws Exception {
    Path watched = dir.resolve("model.sae");
    v1.write(watched);
    List<String> status = new ArrayList<>();
    Retrainer retrainer =
        new Retrainer(
            List.of(v1),
            RetrainSettings.builder()
                .sampleWindows(512)
                .sampleStride(1)
                .recentWindows(50)
                .checkEvery(40)
                .minWindows(256)
                .minDriftWindows(100)
                .epochs(3)
                .cpuShare(1)
                .minInterval(Duration.ofHours(1))
                .build(),
            new WatchedFilePublisher(watched, dir.resolve("versions")),
            status::add);
    AnomalyScorer scorer = new AnomalyScorer(v1);
    int step = T - 1;
    for (; step < 900 && retrainer.events().isEmpty(); step++) {
      for (int s = 0; s < SENSORS; s++) {
        retrainer.accept(result(scorer, s, step));
      }
    }
    assertThat(retrainer.events()).as("status: %s", status).hasSize(1);
    assertThat(step)
        .as("no retrain while the drifted sensor's windows are alarmed")
        .isGreaterThan(ALARMED_UNTIL + 100);
    Retrainer.Event event = retrainer.events().get(0);
    assertThat(event.trigger()).isEqualTo("drift");
    assertThat(event.driftedSensors()).isEqualTo(1);
    assertThat(event.toVersion()).isEqualTo("fleet:2");
    ModelBundle v2 = ModelBundle.read(watched);
    assertThat(v2.versionLabel()).isEqualTo("fleet:2");
    assertThat(Files.exists(dir.resolve("versions").resolve("fleet-2.sae"))).isTrue();

    // Results of v1 still arriving change nothing; the first result of v2 makes it current.
    for (int s = 0; s < SENSORS; s++) {
      retrainer.accept(result(scorer, s, step));
    }
    assertThat(retrainer.currentVersion("fleet")).isEqualTo("fleet:1");
    AnomalyScorer second = new AnomalyScorer(v2);
    for (int i = 0; i < 400; i++, step++) {
      for (int s = 0; s < SENSORS; s++) {
        retrainer.accept(result(second, s, step));
      }
    }
    assertThat(retrainer.currentVersion("fleet")).isEqualTo("fleet:2");
    assertThat(retrainer.events()).as("no retrain within the minimum interval").hasSize(1);
  }

  @Test
  void versionsCountUp() {
    assertThat(Retrainer.nextVersion("1")).isEqualTo("2");
    assertThat(Retrainer.nextVersion("41")).isEqualTo("42");
    assertThat(Retrainer.nextVersion("20261127T120000Z")).isEqualTo("20261127T120000Z.r1");
    assertThat(Retrainer.nextVersion("nab.r9")).isEqualTo("nab.r10");
  }

  @Test
  void unreadableResultsAreCountedAndSkipped() {
    Retrainer retrainer =
        new Retrainer(
            List.of(v1),
            RetrainSettings.builder().build(),
            new WatchedFilePublisher(dir.resolve("m.sae"), dir.resolve("v")),
            line -> {});
    retrainer.accept("not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    retrainer.accept("{\"sensorId\":\"s\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(retrainer.unreadable()).isEqualTo(2);
    assertThat(retrainer.results()).isZero();
  }
}
