package io.streamae.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamae.scoring.AnomalyScorer;
import io.streamae.sink.AnomalyRecord;
import io.streamae.window.SensorWindow;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The golden bundle of format version 1 keeps loading and scoring a fixed window to the values it
 * gave when it was written. A change here means old bundles would score differently.
 */
class ModelBundleGoldenTest {
  private static final double TOLERANCE = 1e-5;
  private static final SensorWindow WINDOW =
      new SensorWindow(
          "s-1",
          new long[] {0, 60_000, 120_000, 180_000},
          new float[] {52f, 11f, 55f, 12f, 49f, 9f, 45f, 8.5f},
          0);

  @Test
  void goldenBundleLoadsAndScoresToKnownValues() throws Exception {
    ModelBundle bundle;
    try (InputStream in = getClass().getResourceAsStream("/model/v1/golden.sae")) {
      bundle = ModelBundle.read(in, "golden.sae");
    }
    assertThat(bundle.versionLabel()).isEqualTo("golden:1");
    assertThat(bundle.metadata().parameters().sha256())
        .isEqualTo("cb12ef28a81ad516ba921cf18fb7d8e9db2c4bde3ef73ffb7cdf607b760ceba4");
    assertThat(bundle.layout().featureNames()).containsExactly("temp", "current");

    AnomalyRecord r = new AnomalyScorer(bundle).score(WINDOW, null).record();

    assertThat(r.reconstructionError()).isCloseTo(0.5983789, within(TOLERANCE));
    assertThat(r.featureErrors()[0]).isCloseTo(0.6390855f, within((float) TOLERANCE));
    assertThat(r.featureErrors()[1]).isCloseTo(0.5576723f, within((float) TOLERANCE));
    assertThat(r.predictions()[0]).isCloseTo(49.79903f, within(1e-4f));
    assertThat(r.predictions()[1]).isCloseTo(11.190356f, within(1e-4f));
    assertThat(r.predictionTimestamps()).containsExactly(240_000L);
    assertThat(r.threshold()).isEqualTo(0.5);
    assertThat(r.anomalous()).isTrue();
    assertThat(r.anomalyScore()).isCloseTo(0.5983789 / (0.5983789 + 0.5), within(TOLERANCE));
  }

  @Test
  void goldenBundleFileIsWhatTheGeneratorWrites() {
    // Guards the generator: if it drifts, regenerating would silently move the golden values.
    assertThat(GoldenBundle.bundle().metadata().parameters().sha256())
        .isEqualTo("cb12ef28a81ad516ba921cf18fb7d8e9db2c4bde3ef73ffb7cdf607b760ceba4");
  }
}
