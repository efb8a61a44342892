package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link AnomalyLikelihood.State#fromPrior}: the reference a sensor restarts from when its model
 * changes.
 */
class AnomalyLikelihoodPriorTest {
  private static final AnomalyLikelihood.Settings SETTINGS =
      AnomalyLikelihood.Settings.builder().warmupWindows(100).historyWindows(1000).build();
  private static final AnomalyLikelihood.Prior ONE_FEATURE =
      new AnomalyLikelihood.Prior(AnomalyLikelihood.RECONSTRUCTION, 1, 5000, 0.1, 0.2, 0.4, 0.8);

  @Test
  void seedsTheReferenceWithTheModelsErrorsWeightedLikeAWarmUp() {
    AnomalyLikelihood.State s = AnomalyLikelihood.State.fromPrior(SETTINGS, ONE_FEATURE, null);
    assertThat(s.windows).isEqualTo(100); // past warm-up: judged from the first window
    assertThat(s.samples[AnomalyLikelihood.RECONSTRUCTION]).isEqualTo(100);
    // The prediction stream has no prior: it judges after as many windows as the prior counts.
    assertThat(s.samples[AnomalyLikelihood.PREDICTION])
        .isEqualTo(AnomalyLikelihood.MIN_SAMPLES - 100);
    double total = 0;
    for (int b = 0; b < AnomalyLikelihood.BINS; b++) {
      total += s.histogram[AnomalyLikelihood.RECONSTRUCTION * AnomalyLikelihood.BINS + b];
    }
    assertThat(total).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-3));
    // Half the mass at or above the prior's median, a tenth above its 90th percentile.
    assertThat(
            Math.exp(AnomalyLikelihood.logTail(s, AnomalyLikelihood.RECONSTRUCTION, Math.log(0.1))))
        .isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.05));
    assertThat(
            Math.exp(AnomalyLikelihood.logTail(s, AnomalyLikelihood.RECONSTRUCTION, Math.log(0.2))))
        .isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.02));
  }

  @Test
  void typicalErrorsOfTheNewModelRaiseNoAlarmAndFarLargerOnesDo() {
    AnomalyLikelihood likelihood = new AnomalyLikelihood(SETTINGS);
    AnomalyLikelihood.State s = AnomalyLikelihood.State.fromPrior(SETTINGS, ONE_FEATURE, null);
    for (int i = 0; i < 50; i++) {
      AnomalyLikelihood.Result r =
          likelihood.update(s, 0.1 * (1 + 0.5 * Math.sin(i)), Double.NaN, i * 60_000L);
      assertThat(r.warmingUp()).isFalse();
      assertThat(r.anomalous()).as("window %s", i).isFalse();
    }
    AnomalyLikelihood.Result fault = null;
    for (int i = 50; i < 54; i++) {
      fault = likelihood.update(s, 20.0, Double.NaN, i * 60_000L);
    }
    assertThat(fault.anomalous()).isTrue();
  }

  @Test
  void perFeatureScalesKeepTheirRatiosAtTheNewModelsLevel() {
    AnomalyLikelihood.State old = AnomalyLikelihood.State.create(SETTINGS);
    old.featureScale = new double[] {Math.log(0.01), Math.log(0.03)};
    old.featureSamples = 5000;
    AnomalyLikelihood.Prior twoFeatures =
        new AnomalyLikelihood.Prior(AnomalyLikelihood.RECONSTRUCTION, 2, 5000, 0.1, 0.2, 0.4, 0.8);
    AnomalyLikelihood.State s = AnomalyLikelihood.State.fromPrior(SETTINGS, twoFeatures, old);
    assertThat(Math.exp(s.featureScale[1] - s.featureScale[0]))
        .isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat((Math.exp(s.featureScale[0]) + Math.exp(s.featureScale[1])) / 2)
        .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(s.featureSamples).isEqualTo(100);
    // Without per-feature history they are learned from the first windows.
    assertThat(AnomalyLikelihood.State.fromPrior(SETTINGS, twoFeatures, null).featureScale)
        .isNull();
  }

  @Test
  void keepsWhatDoesNotDependOnTheModelAndRefusesUnusablePriors() {
    AnomalyLikelihood.State old = AnomalyLikelihood.State.create(SETTINGS);
    old.low = new float[] {1f};
    old.high = new float[] {9f};
    old.rangeReadings = 700;
    old.lastAlarm = 42L;
    old.alarmSince = 40L;
    AnomalyLikelihood.State s = AnomalyLikelihood.State.fromPrior(SETTINGS, ONE_FEATURE, old);
    assertThat(s.low).containsExactly(1f);
    assertThat(s.high).containsExactly(9f);
    assertThat(s.rangeReadings).isEqualTo(700);
    assertThat(s.lastAlarm).isEqualTo(42L);
    assertThat(s.alarmSince).isEqualTo(Long.MIN_VALUE);

    AnomalyLikelihood.Prior unordered =
        new AnomalyLikelihood.Prior(AnomalyLikelihood.RECONSTRUCTION, 1, 10, 0.3, 0.2, 0.4, 0.8);
    assertThat(unordered.usable()).isFalse();
    assertThat(AnomalyLikelihood.State.fromPrior(SETTINGS, unordered, null).samples)
        .containsExactly(0, 0, 0);
  }

  @Test
  void theSensorsRhythmOutlivesTheModel() {
    AnomalyLikelihood.State old = AnomalyLikelihood.State.create(SETTINGS);
    old.seasonPeriod = 120;
    old.seasonPeriods = new int[] {120};
    old.seasonValues = new float[360];
    old.seasonCount = 1000;
    old.seasonFeatures = 1;
    old.samples[AnomalyLikelihood.SEASONAL] = 500;
    old.mass[AnomalyLikelihood.SEASONAL] = 480;
    old.histogram[AnomalyLikelihood.SEASONAL * AnomalyLikelihood.BINS + 100] = 480f;
    AnomalyLikelihood.State s = AnomalyLikelihood.State.fromPrior(SETTINGS, ONE_FEATURE, old);
    assertThat(s.seasonPeriods).containsExactly(120);
    assertThat(s.seasonValues).hasSize(360).isNotSameAs(old.seasonValues);
    assertThat(s.seasonCount).isEqualTo(1000);
    assertThat(s.samples[AnomalyLikelihood.SEASONAL]).isEqualTo(500);
    assertThat(s.histogram[AnomalyLikelihood.SEASONAL * AnomalyLikelihood.BINS + 100])
        .isEqualTo(480f);
  }
}
