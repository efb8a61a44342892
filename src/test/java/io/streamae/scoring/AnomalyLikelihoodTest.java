package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamae.scoring.AnomalyLikelihood.Combine;
import io.streamae.scoring.AnomalyLikelihood.Result;
import io.streamae.scoring.AnomalyLikelihood.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The calibration maths on synthetic error streams: plain Java, no Flink, fixed seeds. */
class AnomalyLikelihoodTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final long MINUTE = 60_000L;
  /** Normal errors: log-normal around 0.01 (normalised squared units). */
  private static final double NORMAL = 0.01;

  private static Settings.Builder settings() {
    return Settings.builder().warmupWindows(50).historyWindows(300).averageWindows(5);
  }

  /** Scores every window of a reconstruction-error stream (no prediction error). */
  private static List<Result> run(Settings settings, double[] errors) {
    AnomalyLikelihood likelihood = new AnomalyLikelihood(settings);
    AnomalyLikelihood.State state = AnomalyLikelihood.State.create(settings);
    List<Result> out = new ArrayList<>();
    for (int i = 0; i < errors.length; i++) {
      out.add(likelihood.update(state, errors[i], Double.NaN, T0 + i * MINUTE));
    }
    return out;
  }

  private static double[] normalErrors(int n, long seed) {
    Random random = new Random(seed);
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      e[i] = NORMAL * Math.exp(0.3 * random.nextGaussian());
    }
    return e;
  }

  @Test
  void warmUpWindowsScoreZeroAndRaiseNoAlarmEvenWhenHuge() {
    double[] errors = normalErrors(120, 1);
    errors[10] = 1000; // a wild value while warming up
    List<Result> results = run(settings().build(), errors);

    assertThat(results.subList(0, 50)).allSatisfy(r -> {
      assertThat(r.warmingUp()).isTrue();
      assertThat(r.score()).isZero();
      assertThat(r.anomalous()).isFalse();
    });
    assertThat(results.subList(50, 120)).allSatisfy(r -> {
      assertThat(r.warmingUp()).isFalse();
      assertThat(r.score()).isBetween(0.0, 1.0);
    });
  }

  @Test
  void normalErrorsRarelyAlarm() {
    List<Result> results = run(settings().build(), normalErrors(5000, 2));
    long alarms = results.stream().filter(Result::anomalous).count();
    // alarm likelihood 0.9999: about one alarm per 10,000 windows; allow some slack.
    assertThat(alarms).isLessThanOrEqualTo(5);
    assertThat(results.stream().mapToDouble(Result::score).average().orElseThrow())
        .isLessThan(0.1);
  }

  @Test
  void aStepUpScoresHighAtOnceThenDecaysWhenItEnds() {
    double[] errors = normalErrors(600, 3);
    for (int i = 400; i < 420; i++) {
      errors[i] *= 30;
    }
    List<Result> results = run(settings().build(), errors);

    assertThat(results.get(400).anomalous()).as("alarm on the first anomalous window").isTrue();
    assertThat(results.get(400).score()).isGreaterThan(0.5);
    assertThat(results.subList(400, 420)).allSatisfy(r -> assertThat(r.score()).isGreaterThan(0.5));
    // The short average forgets the step within averageWindows windows of its end.
    assertThat(results.subList(425, 600)).allSatisfy(r -> assertThat(r.score()).isLessThan(0.4));
  }

  @Test
  void aLastingLevelShiftStopsBeingAnomalousAsTheDistributionAdapts() {
    double[] errors = normalErrors(3000, 4);
    for (int i = 400; i < errors.length; i++) {
      errors[i] *= 10;
    }
    List<Result> results = run(settings().build(), errors);
    assertThat(results.get(400).score()).isGreaterThan(0.5);
    assertThat(results.subList(2500, 3000).stream().filter(Result::anomalous).count())
        .isLessThanOrEqualTo(2);
  }

  @Test
  void anAnomalyLeavingTheHistoryDoesNotRaiseTheScoresOfNormalWindowsAfterIt() {
    Settings s = settings().historyWindows(200).build();
    double[] clean = normalErrors(1200, 5);
    double[] withBurst = clean.clone();
    for (int i = 300; i < 340; i++) {
      withBurst[i] *= 50;
    }
    List<Result> base = run(s, clean);
    List<Result> burst = run(s, withBurst);

    // A sliding window of 200 would drop the burst around window 540: nothing may jump there.
    // After the burst no normal window scores higher than without it, except for differences
    // among unremarkable scores (below 0.1, likelihood about 0.7).
    for (int i = 350; i < 1200; i++) {
      assertThat(burst.get(i).anomalous()).as("alarm at %s", i).isFalse();
      assertThat(burst.get(i).score())
          .as("score at %s, after the burst", i)
          .isLessThanOrEqualTo(Math.max(base.get(i).score(), 0.1));
    }
    double before = maxScore(burst, 520, 540);
    double after = maxScore(burst, 540, 600);
    assertThat(after).isLessThanOrEqualTo(Math.max(before, maxScore(base, 540, 600)) + 0.02);
  }

  @Test
  void predictionErrorsCountAndCombineByMaxOrProduct() {
    Settings max = settings().combine(Combine.MAX).build();
    Settings product = settings().combine(Combine.PRODUCT).build();
    double[] recon = normalErrors(300, 6);
    double[] pred = normalErrors(300, 7);
    pred[250] *= 200; // only the prediction is surprised
    for (Settings s : List.of(max, product)) {
      AnomalyLikelihood likelihood = new AnomalyLikelihood(s);
      AnomalyLikelihood.State state = AnomalyLikelihood.State.create(s);
      Result last = null;
      for (int i = 0; i <= 250; i++) {
        last = likelihood.update(state, recon[i], pred[i], T0 + i * MINUTE);
      }
      assertThat(last.anomalous()).as("%s", s.combine()).isTrue();
    }
    // Fisher's combination of two middling tails is more surprising than either alone.
    AnomalyLikelihood fisher = new AnomalyLikelihood(product);
    AnomalyLikelihood single = new AnomalyLikelihood(max);
    AnomalyLikelihood.State a = AnomalyLikelihood.State.create(product);
    AnomalyLikelihood.State b = AnomalyLikelihood.State.create(max);
    Result both = null;
    Result either = null;
    for (int i = 0; i < 200; i++) {
      double r = i >= 195 ? recon[i] * 1.5 : recon[i];
      double p = i >= 195 ? pred[i] * 1.5 : pred[i];
      both = fisher.update(a, r, p, T0 + i * MINUTE);
      either = single.update(b, r, p, T0 + i * MINUTE);
    }
    assertThat(both.logTail()).isLessThan(either.logTail());
  }

  @Test
  void suppressionHoldsBackRepeatedAlarmsOfOneEpisodeButScoresStayHigh() {
    double[] errors = normalErrors(400, 8);
    for (int i = 200; i < 260; i++) {
      errors[i] *= 40;
    }
    List<Result> free = run(settings().build(), errors);
    List<Result> held =
        run(settings().alarmSuppression(Duration.ofMinutes(30)).build(), errors);

    List<Integer> alarms = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      if (held.get(i).anomalous()) {
        alarms.add(i);
      }
      assertThat(held.get(i).score()).isCloseTo(free.get(i).score(), within(1e-12));
    }
    assertThat(free.stream().filter(Result::anomalous).count()).isGreaterThan(30);
    // One-minute windows: an alarm at most every 30 minutes of the 60-minute episode.
    assertThat(alarms).startsWith(200).hasSizeBetween(2, 3);
    for (int k = 1; k < alarms.size(); k++) {
      assertThat(alarms.get(k) - alarms.get(k - 1)).isGreaterThanOrEqualTo(30);
    }
  }

  @Test
  void logScaleAndTailsFollowNumenta() {
    assertThat(AnomalyLikelihood.logScore(Math.log(1e-5))).isCloseTo(0.5, within(1e-9));
    assertThat(AnomalyLikelihood.logScore(Math.log(1e-10))).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(AnomalyLikelihood.logScore(0.0)).isZero();
    // No cap: far stronger evidence still scores higher, and never above 1.
    assertThat(AnomalyLikelihood.logScore(AnomalyLikelihood.logUpperTail(40)))
        .isGreaterThan(AnomalyLikelihood.logScore(AnomalyLikelihood.logUpperTail(30)))
        .isLessThan(1.0);
    assertThat(AnomalyLikelihood.logUpperTail(6)).isCloseTo(Math.log(9.8658765e-10), within(1e-3));
    assertThat(AnomalyLikelihood.logUpperTail(4.9))
        .isCloseTo(Math.log(AnomalyLikelihood.upperTail(4.9)), within(1e-9));
    assertThat(AnomalyLikelihood.upperTail(0)).isCloseTo(0.5, within(1e-7));
    assertThat(AnomalyLikelihood.upperTail(1.6448536)).isCloseTo(0.05, within(1e-6));
    assertThat(AnomalyLikelihood.upperTail(-1.6448536)).isCloseTo(0.95, within(1e-6));
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> Settings.builder().alarmLikelihood(1.0).build())
        .hasMessageContaining("alarm likelihood must be in (0, 1), was 1.0");
    assertThatThrownBy(() -> Settings.builder().averageWindows(0).build())
        .hasMessageContaining("moving average");
    assertThatThrownBy(() -> Settings.builder().alarmSuppression(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("suppression");
  }

  private static double maxScore(List<Result> results, int from, int to) {
    double max = 0;
    for (int i = from; i < to; i++) {
      max = Math.max(max, results.get(i).score());
    }
    return max;
  }
}
