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
    return Settings.builder().warmupWindows(50).historyWindows(300).averageWindows(3);
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

    assertThat(results.subList(0, 50))
        .allSatisfy(
            r -> {
              assertThat(r.warmingUp()).isTrue();
              assertThat(r.score()).isZero();
              assertThat(r.anomalous()).isFalse();
            });
    assertThat(results.subList(50, 120))
        .allSatisfy(
            r -> {
              assertThat(r.warmingUp()).isFalse();
              assertThat(r.score()).isBetween(0.0, 1.0);
            });
  }

  @Test
  void normalErrorsRarelyAlarm() {
    List<Result> results = run(settings().build(), normalErrors(5000, 2));
    long alarmed = results.stream().filter(Result::anomalous).count();
    // alarm likelihood 0.999: about one alarm per 1,000 windows, a few windows each.
    assertThat(alarmed).isLessThanOrEqualTo(25);
    assertThat(results.stream().mapToDouble(Result::score).average().orElseThrow()).isLessThan(0.1);
  }

  /** Normal errors of one sensor: scale times a unit draw from the named distribution. */
  private static double[] errors(String tail, double scale, int n, long seed) {
    Random random = new Random(seed);
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      double g = random.nextGaussian();
      e[i] =
          scale
              * switch (tail) {
                case "lognormal" -> Math.exp(0.3 * g);
                case "wide-lognormal" -> Math.exp(1.5 * g);
                case "squared-gaussian" -> g * g + 1e-9;
                case "pareto" ->
                    Math.pow(1 - random.nextDouble(), -1 / 1.5); // heavy: infinite variance
                default -> throw new IllegalArgumentException(tail);
              };
    }
    return e;
  }

  @Test
  void theScoreMeansTheSameOnEveryScaleAndTailShape() {
    // Sensors whose normal errors differ by eight orders of magnitude and in tail shape, from
    // narrow log-normal to a Pareto tail with infinite variance.
    Settings s = settings().historyWindows(8640).warmupWindows(500).build();
    List<Double> shares = new ArrayList<>();
    for (String tail : List.of("lognormal", "wide-lognormal", "squared-gaussian", "pareto")) {
      for (double scale : new double[] {1e-4, 1.0, 1e4}) {
        List<Result> results = run(s, errors(tail, scale, 20_500, 11));
        List<Result> live = results.subList(500, results.size());
        long above =
            live.stream()
                .filter(r -> r.score() >= AnomalyLikelihood.logScore(Math.log(0.01)))
                .count();
        double share = above / (double) live.size();
        shares.add(share);
        // p <= 0.01 should hold for about 1 % of normal windows.
        assertThat(share).as("%s × %s", tail, scale).isBetween(0.004, 0.02);
      }
    }
    double min = shares.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = shares.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertThat(max / min).as("shares %s", shares).isLessThanOrEqualTo(2.0);
  }

  @Test
  void aStepUpScoresHighAtOnceThenDropsWhenItEnds() {
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
  void aFaultLastingHoursKeepsItsAlarmForItsWholeLength() {
    // Five hours of one-minute windows whose errors stay 20 times their normal level, flickering.
    double[] errors = normalErrors(1400, 12);
    Random random = new Random(13);
    for (int i = 600; i < 900; i++) {
      errors[i] *= 20 * Math.exp(0.5 * random.nextGaussian());
    }
    Settings s = settings().historyWindows(8640).relearnAfter(Duration.ofHours(6)).build();
    List<Result> results = run(s, errors);
    long alarmed = results.subList(600, 900).stream().filter(Result::anomalous).count();
    assertThat(alarmed).as("alarmed windows of 300").isGreaterThanOrEqualTo(295);
    // The reference was frozen: when the fault ends, the alarm ends and normal windows are normal.
    assertThat(results.subList(905, 1400).stream().filter(Result::anomalous).count())
        .isLessThanOrEqualTo(5);
  }

  @Test
  void aLastingNewLevelStopsAlarmingSoonAfterRelearnAfter() {
    double[] errors = normalErrors(3000, 4);
    for (int i = 400; i < errors.length; i++) {
      errors[i] *= 10;
    }
    // One-minute windows, relearn after 2 hours: the alarm holds 120 windows, then learns.
    List<Result> results =
        run(settings().historyWindows(2000).relearnAfter(Duration.ofHours(2)).build(), errors);
    assertThat(results.get(400).anomalous()).isTrue();
    assertThat(results.get(402).score())
        .as("once the short average holds only the new level")
        .isGreaterThan(0.5);
    assertThat(results.subList(400, 520)).allSatisfy(r -> assertThat(r.anomalous()).isTrue());
    int lastAlarm = 0;
    for (int i = 0; i < results.size(); i++) {
      lastAlarm = results.get(i).anomalous() ? i : lastAlarm;
    }
    assertThat(lastAlarm).as("last alarmed window").isLessThan(700);
  }

  @Test
  void aFaultLearnedAfterRelearnAfterLeavesTheReferenceWhenItEnds() {
    // One-minute windows: a four-hour fault (learned after two), five normal hours, then the
    // same fault for an hour. Without the return to the reference of before the first fault,
    // its learned errors make the second one look ordinary.
    double[] errors = normalErrors(2400, 21);
    Random random = new Random(22);
    for (int i = 600; i < 840; i++) {
      errors[i] *= 20 * Math.exp(0.3 * random.nextGaussian());
    }
    for (int i = 1140; i < 1200; i++) {
      errors[i] *= 20 * Math.exp(0.3 * random.nextGaussian());
    }
    Settings.Builder b = settings().historyWindows(8640).relearnAfter(Duration.ofHours(2));
    List<Result> restored = run(b.build(), errors);
    List<Result> kept = run(b.restoreWindows(0).build(), errors);

    long second = restored.subList(1140, 1200).stream().filter(Result::anomalous).count();
    long secondKept = kept.subList(1140, 1200).stream().filter(Result::anomalous).count();
    assertThat(second).as("second fault alarmed, of 60 windows").isGreaterThanOrEqualTo(55);
    assertThat(secondKept).as("without the return").isLessThan(30);
    // Normal windows between the faults stay quiet either way.
    assertThat(restored.subList(900, 1140).stream().filter(Result::anomalous).count())
        .isLessThanOrEqualTo(3);
  }

  @Test
  void aLastingNewLevelIsKeptAfterFourTimesRelearnAfter() {
    // A level that never returns: after 4 x relearnAfter the relearned reference stays, and a
    // return to the old level much later is judged against the new one.
    double[] errors = normalErrors(1600, 23);
    for (int i = 300; i < errors.length; i++) {
      errors[i] *= 10;
    }
    Settings s = settings().historyWindows(8640).relearnAfter(Duration.ofMinutes(60)).build();
    AnomalyLikelihood likelihood = new AnomalyLikelihood(s);
    AnomalyLikelihood.State state = AnomalyLikelihood.State.create(s);
    boolean held = false;
    for (int i = 0; i < errors.length; i++) {
      likelihood.update(state, errors[i], Double.NaN, T0 + i * MINUTE);
      held |= state.heldHistogram != null;
    }
    assertThat(held).as("the reference of before the alarm was kept for a while").isTrue();
    assertThat(state.heldHistogram).as("and dropped once the new level had lasted").isNull();
    List<Result> results = run(s, errors);
    assertThat(results.subList(700, 1600).stream().filter(Result::anomalous).count()).isZero();
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
    // among unremarkable scores (below 0.2, tail above 0.05).
    for (int i = 350; i < 1200; i++) {
      assertThat(burst.get(i).anomalous()).as("alarm at %s", i).isFalse();
      assertThat(burst.get(i).score())
          .as("score at %s, after the burst", i)
          .isLessThanOrEqualTo(Math.max(base.get(i).score(), 0.2));
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
  void suppressionHoldsBackNewEpisodesButScoresStayHigh() {
    double[] errors = normalErrors(500, 8);
    for (int start : new int[] {200, 215, 300}) {
      for (int i = start; i < start + 5; i++) {
        errors[i] *= 40;
      }
    }
    List<Result> free = run(settings().build(), errors);
    List<Result> held = run(settings().alarmSuppression(Duration.ofMinutes(30)).build(), errors);

    for (int i = 0; i < held.size(); i++) {
      assertThat(held.get(i).score()).isCloseTo(free.get(i).score(), within(1e-12));
    }
    assertThat(free.get(215).anomalous()).isTrue();
    assertThat(held.get(200).anomalous()).isTrue();
    // The second burst starts 15 minutes after the first episode: suppressed; the third is not.
    assertThat(held.subList(212, 225)).noneMatch(Result::anomalous);
    assertThat(held.get(300).anomalous()).isTrue();
  }

  @Test
  void aReadingBeyondEverythingSeenIsAnomalousOnlyTheFirstTime() {
    Settings s = settings().build();
    AnomalyLikelihood likelihood = new AnomalyLikelihood(s);
    AnomalyLikelihood.State state = AnomalyLikelihood.State.create(s);
    double[] errors = normalErrors(800, 14);
    Random random = new Random(15);
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      float value = (float) (20 + random.nextGaussian());
      if (i == 10) {
        value = 100; // during warm-up: widens the range, no alarm
      }
      if (i == 120) {
        value = 110; // after warm-up, but the range has seen fewer than 500 readings
      }
      if (i == 620 || i == 650) {
        value = 130; // a new extreme, then the same value again
      }
      if (i == 660) {
        value = 131; // within 2 % of the range (15 .. 130) beyond it
      }
      results.add(
          likelihood.update(state, errors[i], Double.NaN, new float[] {value}, T0 + i * MINUTE));
    }
    assertThat(results.get(10).anomalous()).isFalse();
    assertThat(results.get(120).logTail()).isGreaterThan(Math.log(1e-10));
    assertThat(results.get(620).anomalous()).isTrue();
    assertThat(results.get(620).logTail()).isLessThanOrEqualTo(Math.log(1e-10));
    assertThat(results.get(650).anomalous()).isFalse();
    assertThat(results.get(660).anomalous()).isFalse();

    Settings off = settings().rangeCheck(false).build();
    AnomalyLikelihood plain = new AnomalyLikelihood(off);
    AnomalyLikelihood.State plainState = AnomalyLikelihood.State.create(off);
    Result last = null;
    for (int i = 0; i <= 620; i++) {
      last =
          plain.update(
              plainState,
              errors[i],
              Double.NaN,
              new float[] {i == 620 ? 1e6f : 20f},
              T0 + i * MINUTE);
    }
    assertThat(last.anomalous()).isFalse();
  }

  @Test
  void scoresAreALogScaleOfTheTail() {
    assertThat(AnomalyLikelihood.logScore(Math.log(1e-5))).isCloseTo(0.5, within(1e-9));
    assertThat(AnomalyLikelihood.logScore(Math.log(1e-10))).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(AnomalyLikelihood.logScore(0.0)).isZero();
    assertThat(AnomalyLikelihood.logScore(Math.log(1e-300)))
        .isGreaterThan(AnomalyLikelihood.logScore(Math.log(1e-200)))
        .isLessThan(1.0);
    for (double p : new double[] {0.5, 1e-3, 1e-5, 1e-12}) {
      assertThat(AnomalyLikelihood.tailOfScore(AnomalyLikelihood.logScore(Math.log(p))))
          .isCloseTo(p, within(p * 1e-9));
    }
    assertThat(AnomalyLikelihood.tailOfScore(0)).isEqualTo(1.0);
  }

  @Test
  void aFaultInAQuietFeatureIsNotHiddenByANoisyOne() {
    // Feature 0 errs a hundred times more than feature 1; feature 1's error grows eightfold.
    Random random = new Random(16);
    Settings s = settings().build();
    AnomalyLikelihood normalised = new AnomalyLikelihood(s);
    AnomalyLikelihood total = new AnomalyLikelihood(s);
    AnomalyLikelihood.State a = AnomalyLikelihood.State.create(s);
    AnomalyLikelihood.State b = AnomalyLikelihood.State.create(s);
    int alarmedNormalised = 0;
    int alarmedTotal = 0;
    for (int i = 0; i < 500; i++) {
      float noisy = (float) (1.0 * Math.exp(0.3 * random.nextGaussian()));
      float quiet = (float) (0.01 * Math.exp(0.3 * random.nextGaussian()) * (i >= 400 ? 8 : 1));
      float[] features = {noisy, quiet};
      double mean = (noisy + quiet) / 2.0;
      Result n = normalised.update(a, mean, features, Double.NaN, null, T0 + i * MINUTE);
      Result t = total.update(b, mean, null, Double.NaN, null, T0 + i * MINUTE);
      if (i >= 400) {
        alarmedNormalised += n.anomalous() ? 1 : 0;
        alarmedTotal += t.anomalous() ? 1 : 0;
      }
    }
    assertThat(alarmedTotal).as("the mean error barely moves").isLessThan(20);
    assertThat(alarmedNormalised).as("normalised per feature").isGreaterThanOrEqualTo(95);
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> Settings.builder().alarmLikelihood(1.0).build())
        .hasMessageContaining("alarm likelihood must be in (0, 1), was 1.0");
    assertThatThrownBy(() -> Settings.builder().averageWindows(0).build())
        .hasMessageContaining("moving average");
    assertThatThrownBy(() -> Settings.builder().alarmSuppression(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("suppression");
    assertThatThrownBy(() -> Settings.builder().releaseLikelihood(0.9999).build())
        .hasMessageContaining("release likelihood must be in (0, alarm likelihood 0.999]");
    assertThatThrownBy(() -> Settings.builder().relearnAfter(Duration.ZERO).build())
        .hasMessageContaining("relearn-after must be positive");
    assertThatThrownBy(() -> Settings.builder().rangeMargin(-1).build())
        .hasMessageContaining("range margin");
  }

  private static double maxScore(List<Result> results, int from, int to) {
    double max = 0;
    for (int i = from; i < to; i++) {
      max = Math.max(max, results.get(i).score());
    }
    return max;
  }
}
