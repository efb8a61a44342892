package io.streamae.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.training.TrainingData;
import io.streamae.tensor.Normalizer;
import org.junit.jupiter.api.Test;

/**
 * The sample of normal windows: bounded whatever the stream, made only of windows the job judged
 * normal, each with the readings that followed it, never across a gap in the results.
 */
class NormalWindowSamplerTest {
  private static final int T = 4;
  private static final int P = 1;
  private static final int F = 2;
  private static final long STEP = 60_000;

  /**
   * The result of the window of {@code sensor} ending at {@code step}; readings encode their sensor
   * and step (feature 0 = step, feature 1 = sensor number).
   */
  private static ScoredWindow result(int sensor, int step, boolean normal) {
    return new ScoredWindow(
        "s-" + sensor,
        (step - T + 1) * STEP,
        step * STEP,
        "m",
        "m:1",
        0.1,
        0.1,
        !normal,
        normal,
        step * STEP,
        new float[] {step, sensor});
  }

  @Test
  void staysWithinItsCapacityAndSensorLimitOnALongStreamOfManySensors() {
    NormalWindowSampler sampler = new NormalWindowSampler(T, P, F, 100, 1, 20);
    for (int step = 0; step < 2_000; step++) {
      for (int s = 0; s < 20; s++) {
        sampler.offer(result(s, step, true));
      }
    }
    assertThat(sampler.size()).isEqualTo(100);
    // 5,000 more sensors: the least recently seen are forgotten.
    for (int s = 20; s < 5_020; s++) {
      sampler.offer(result(s, 2_000, true));
    }
    assertThat(sampler.size()).isEqualTo(100);
    assertThat(sampler.sensorsTracked()).isEqualTo(20);
    assertThat(sampler.added()).isGreaterThan(100);
    TrainingData data = sampler.trainingData(Normalizer.identity(F));
    assertThat(data.count()).isEqualTo(100);
    // The newest windows are kept, oldest first.
    float firstEnd = data.windows()[(T - 1) * F];
    float lastEnd = data.windows()[(99 * T + T - 1) * F];
    assertThat(lastEnd).isGreaterThanOrEqualTo(firstEnd);
    assertThat(lastEnd).isGreaterThan(1_990);
  }

  @Test
  void keepsOnlyWindowsJudgedNormalEachWithTheReadingsThatFollowedIt() {
    NormalWindowSampler sampler = new NormalWindowSampler(T, P, F, 1_000, 1, 10);
    // Windows ending at a multiple of 3 or inside 100..149 are anomalous.
    for (int step = T - 1; step < 400; step++) {
      sampler.offer(result(0, step, !(step % 3 == 0 || (step >= 100 && step < 150))));
    }
    TrainingData data = sampler.trainingData(Normalizer.identity(F));
    assertThat(data.count()).isPositive();
    for (int i = 0; i < data.count(); i++) {
      int end = (int) data.windows()[(i * T + T - 1) * F];
      assertThat(end % 3).as("window ending at %s judged normal", end).isNotZero();
      assertThat(end >= 100 && end < 150).as("window ending at %s inside 100..149", end).isFalse();
      for (int k = 0; k < T; k++) {
        assertThat(data.windows()[(i * T + k) * F]).isEqualTo(end - T + 1 + k);
      }
      assertThat(data.futures()[i * P * F]).as("the reading after the window").isEqualTo(end + 1);
    }
    // Every normal window whose readings and next reading the sampler saw is there: the first
    // result brings the reading at T - 1, so windows end at 2T - 2 at the earliest.
    long expected = 0;
    for (int end = 2 * T - 2; end < 399; end++) {
      expected += (end % 3 == 0 || (end >= 100 && end < 150)) ? 0 : 1;
    }
    assertThat(data.count()).isEqualTo((int) expected);
  }

  @Test
  void neverBuildsAWindowAcrossAMissingResult() {
    NormalWindowSampler sampler = new NormalWindowSampler(T, P, F, 1_000, 1, 10);
    for (int step = T - 1; step < 60; step++) {
      if (step == 30) {
        continue; // the result of this window never arrived
      }
      sampler.offer(result(0, step, true));
    }
    TrainingData data = sampler.trainingData(Normalizer.identity(F));
    for (int i = 0; i < data.count(); i++) {
      int start = (int) data.windows()[i * T * F];
      int future = (int) data.futures()[i * P * F];
      assertThat(start <= 30 && 30 <= future).as("window %s..%s spans 30", start, future).isFalse();
    }
    // Windows whose span (with the next reading) would include step 30, or whose readings
    // before the restart are unknown, are missing: ends 26..29 and 31..33.
    assertThat(data.count()).isEqualTo((60 - T) - 1 - 4 - (T - 1));
  }

  @Test
  void keepsEveryStrideThNormalWindowOfASensor() {
    NormalWindowSampler sampler = new NormalWindowSampler(T, P, F, 1_000, 4, 10);
    for (int step = T - 1; step < 404; step++) {
      sampler.offer(result(0, step, true));
    }
    assertThat(sampler.size()).isEqualTo(100);
  }
}
