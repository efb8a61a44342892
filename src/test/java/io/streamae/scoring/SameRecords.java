package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamae.sink.AnomalyRecord;
import java.util.List;

/**
 * Compares scored records as batched and unbatched scoring produce them: identities, times, flags
 * and status exactly, every number within {@link #TOLERANCE} (the batched kernels round floats in
 * another order).
 */
final class SameRecords {
  static final double TOLERANCE = 1e-5;

  private SameRecords() {}

  static void assertSame(List<AnomalyRecord> actual, List<AnomalyRecord> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      AnomalyRecord a = actual.get(i);
      AnomalyRecord e = expected.get(i);
      String where = "record " + i + " (" + e.sensorId() + "@" + e.windowEnd() + ")";
      assertThat(a.sensorId()).as(where).isEqualTo(e.sensorId());
      assertThat(a.windowStart()).as(where).isEqualTo(e.windowStart());
      assertThat(a.windowEnd()).as(where).isEqualTo(e.windowEnd());
      assertThat(a.status()).as(where).isEqualTo(e.status());
      assertThat(a.anomalous()).as(where).isEqualTo(e.anomalous());
      assertThat(a.warmingUp()).as(where).isEqualTo(e.warmingUp());
      assertThat(a.modelVersion()).as(where).isEqualTo(e.modelVersion());
      assertThat(a.featureNames()).as(where).containsExactly(e.featureNames());
      assertThat(a.predictionTimestamps()).as(where).containsExactly(e.predictionTimestamps());
      assertClose(a.reconstructionError(), e.reconstructionError(), where + " reconstructionError");
      assertClose(a.predictionError(), e.predictionError(), where + " predictionError");
      assertClose(a.anomalyScore(), e.anomalyScore(), where + " anomalyScore");
      assertClose(a.featureErrors(), e.featureErrors(), where + " featureErrors");
      assertClose(a.attribution(), e.attribution(), where + " attribution");
      assertClose(a.predictions(), e.predictions(), where + " predictions (original units)", 1e-3);
    }
  }

  private static void assertClose(double a, double e, String what) {
    if (Double.isNaN(e)) {
      assertThat(a).as(what).isNaN();
    } else {
      assertThat(a).as(what).isCloseTo(e, within(TOLERANCE));
    }
  }

  private static void assertClose(float[] a, float[] e, String what) {
    assertClose(a, e, what, TOLERANCE);
  }

  private static void assertClose(float[] a, float[] e, String what, double tolerance) {
    assertThat(a).as(what).hasSameSizeAs(e);
    for (int i = 0; i < e.length; i++) {
      assertThat((double) a[i]).as(what + "[" + i + "]").isCloseTo(e[i], within(tolerance));
    }
  }
}
