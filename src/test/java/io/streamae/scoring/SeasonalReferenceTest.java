package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.scoring.AnomalyLikelihood.Result;
import io.streamae.scoring.AnomalyLikelihood.Settings;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A sensor's own rhythm as an error stream: period search, bounded state, and faults that the
 * model's window cannot see for long — a level step inside the normal range, a channel out of phase
 * — held for most of their length. Plain Java, fixed seeds.
 */
class SeasonalReferenceTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final long MINUTE = 60_000L;
  private static final int WARMUP = 600;

  /** Two channels: a load cycle of 120 steps and a fast one of 17, with noise. */
  private static float[] reading(int step, Random noise, double shift, boolean outOfPhase) {
    double phase = outOfPhase ? Math.PI : 0;
    return new float[] {
      (float)
          (60
              + 5 * Math.sin(2 * Math.PI * step / 120 + phase)
              + shift
              + 0.3 * noise.nextGaussian()),
      (float) (0.03 + 0.005 * Math.sin(2 * Math.PI * step / 17) + 0.0008 * noise.nextGaussian())
    };
  }

  private static float[] rows(int n, long seed) {
    Random noise = new Random(seed);
    float[] out = new float[n * 2];
    for (int t = 0; t < n; t++) {
      System.arraycopy(reading(t, noise, 0, false), 0, out, t * 2, 2);
    }
    return out;
  }

  @Test
  void eachFeatureFindsItsOwnPeriod() {
    float[] data = rows(600, 1);
    assertThat(SeasonalReference.findPeriod(data, 600, 2, 0, 300)).isEqualTo(120);
    assertThat(SeasonalReference.findPeriod(data, 600, 2, 1, 300)).isEqualTo(17);
  }

  @Test
  void noiseATrendAConstantAndGapsHaveNoPeriod() {
    Random random = new Random(2);
    int n = 600;
    float[] noise = new float[n];
    float[] trend = new float[n];
    float[] flat = new float[n];
    for (int t = 0; t < n; t++) {
      noise[t] = (float) random.nextGaussian();
      trend[t] = t + (float) random.nextGaussian();
      flat[t] = 3f;
    }
    assertThat(SeasonalReference.findPeriod(noise, n, 1, 0, 300)).isZero();
    assertThat(SeasonalReference.findPeriod(trend, n, 1, 0, 300)).isZero();
    assertThat(SeasonalReference.findPeriod(flat, n, 1, 0, 300)).isZero();
    float[] gappy = rows(600, 3);
    gappy[100] = Float.NaN;
    assertThat(SeasonalReference.findPeriod(gappy, n, 2, 0, 300)).isZero();
  }

  @Test
  void stateHoldsThreePeriodsWithARhythmAndNothingWithout() {
    Settings settings = Settings.builder().warmupWindows(WARMUP).seasonalMaxPeriod(200).build();
    AnomalyLikelihood likelihood = new AnomalyLikelihood(settings);

    AnomalyLikelihood.State rhythmic = AnomalyLikelihood.State.create(settings);
    Random noise = new Random(4);
    for (int t = 0; t < WARMUP + 10; t++) {
      likelihood.update(
          rhythmic, 0.01, null, Double.NaN, reading(t, noise, 0, false), T0 + t * MINUTE);
    }
    assertThat(rhythmic.seasonPeriods).containsExactly(120, 17);
    assertThat(rhythmic.seasonValues).hasSize(3 * 120 * 2);

    AnomalyLikelihood.State random = AnomalyLikelihood.State.create(settings);
    Random r = new Random(5);
    for (int t = 0; t < 400; t++) {
      likelihood.update(
          random, 0.01, null, Double.NaN, new float[] {(float) r.nextGaussian()}, T0 + t * MINUTE);
      assertThat(random.seasonValues == null || random.seasonValues.length <= 400).isTrue();
    }
    // Searched at 200 readings (twice the longest period) and found nothing: nothing is kept.
    assertThat(random.seasonPeriod).isEqualTo(SeasonalReference.NONE);
    assertThat(random.seasonValues).isNull();
  }

  /**
   * Runs a rhythmic sensor whose model errors stay normal throughout (the model reconstructs the
   * faulty window as well as any other) with a fault in its readings over [from, to); the share of
   * the fault's windows flagged, and the share of normal windows after warm-up flagged.
   */
  private static double[] flagged(
      int seasonalMaxPeriod, int from, int to, double shift, boolean outOfPhase) {
    Settings settings =
        Settings.builder().warmupWindows(WARMUP).seasonalMaxPeriod(seasonalMaxPeriod).build();
    AnomalyLikelihood likelihood = new AnomalyLikelihood(settings);
    AnomalyLikelihood.State state = AnomalyLikelihood.State.create(settings);
    Random noise = new Random(6);
    Random errors = new Random(7);
    int inFault = 0;
    int normal = 0;
    int normalWindows = 0;
    int n = 2400;
    for (int t = 0; t < n; t++) {
      boolean fault = t >= from && t < to;
      float[] values = reading(t, noise, fault ? shift : 0, fault && outOfPhase);
      double error = 0.01 * Math.exp(0.3 * errors.nextGaussian());
      Result r = likelihood.update(state, error, null, Double.NaN, values, T0 + t * MINUTE);
      if (fault && r.anomalous()) {
        inFault++;
      }
      if (!fault && t >= WARMUP) {
        normalWindows++;
        normal += r.anomalous() ? 1 : 0;
      }
    }
    return new double[] {inFault / (double) (to - from), normal / (double) normalWindows};
  }

  @Test
  void aStepInsideTheRangeIsFlaggedForMostOfItsLength() {
    // Half the cycle's amplitude for 100 minutes: every reading stays within the normal range.
    double[] with = flagged(1440, 1500, 1600, 2.5, false);
    double[] without = flagged(0, 1500, 1600, 2.5, false);
    assertThat(with[0]).as("share of the fault flagged").isGreaterThan(0.85);
    assertThat(with[1]).as("share of normal windows flagged").isLessThan(0.01);
    assertThat(without[0]).as("without the sensor's rhythm").isLessThan(0.1);
  }

  @Test
  void aLastingNewLevelIsLearnedAfterRelearnAfter() {
    // The same step, never ending: after scoring.relearn-after (2 h) and two periods for the
    // reference to follow, the new level is normal.
    Settings settings = Settings.builder().warmupWindows(WARMUP).build();
    AnomalyLikelihood likelihood = new AnomalyLikelihood(settings);
    AnomalyLikelihood.State state = AnomalyLikelihood.State.create(settings);
    Random noise = new Random(6);
    Random errors = new Random(7);
    int early = 0;
    int late = 0;
    for (int t = 0; t < 2400; t++) {
      float[] values = reading(t, noise, t >= 1500 ? 2.5 : 0, false);
      double error = 0.01 * Math.exp(0.3 * errors.nextGaussian());
      Result r = likelihood.update(state, error, null, Double.NaN, values, T0 + t * MINUTE);
      early += t >= 1500 && t < 1600 && r.anomalous() ? 1 : 0;
      late += t >= 2000 && r.anomalous() ? 1 : 0;
    }
    assertThat(early).isGreaterThan(85);
    assertThat(late).isLessThan(20);
  }

  @Test
  void aChannelOutOfPhaseIsFlaggedForMostOfItsLength() {
    double[] with = flagged(1440, 1500, 1740, 0, true);
    assertThat(with[0]).isGreaterThan(0.8);
    assertThat(with[1]).isLessThan(0.01);
  }

  @Test
  void aStateFromBeforeTheThirdStreamGrowsOnItsFirstWindow() {
    Settings settings = Settings.builder().warmupWindows(5).build();
    AnomalyLikelihood likelihood = new AnomalyLikelihood(settings);
    AnomalyLikelihood.State old = AnomalyLikelihood.State.create(settings);
    old.samples = new long[2];
    old.mass = new double[2];
    old.histogram = new float[2 * AnomalyLikelihood.BINS];
    old.recent = new double[2 * settings.averageWindows()];
    old.recentCount = new int[2];
    old.recentNext = new int[2];
    for (int t = 0; t < 20; t++) {
      likelihood.update(old, 0.01, null, 0.02, new float[] {1f}, T0 + t * MINUTE);
    }
    assertThat(old.samples).hasSize(AnomalyLikelihood.STREAMS);
    assertThat(Arrays.copyOf(old.samples, 2)).containsExactly(20, 20);
  }
}
