package io.streamae.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamae.evaluation.NabScorer.IndexWindow;
import io.streamae.evaluation.NabScorer.ProfileScore;
import io.streamae.evaluation.NabScorer.Series;
import io.streamae.evaluation.NabScorer.SeriesScore;
import io.streamae.evaluation.NabScorer.ThresholdScore;
import io.streamae.evaluation.NabScorer.WindowOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-made NAB cases. Expected values are computed here from NAB's formulas (sweeper.py): {@code
 * S(x) = 2 * sigmoid(-5x) - 1} ({@code -1} for {@code x > 3}); a detection on row {@code i} of
 * window {@code [a, b]} (width {@code w = b - a + 1}) earns {@code tp * S(-(b - i + 1) / w) /
 * S(-1)}; a false positive on row {@code i} after window {@code [a, b]} costs {@code fp * S((i - b)
 * / (w - 1))}, before any window {@code -fp}; a missed window {@code -fn}.
 *
 * <p>Unless stated otherwise a series has 100 rows, so its probationary period is {@code floor(0.15
 * * 100) = 15} rows (rows 0..14 ignored).
 */
class NabScorerTest {
  private static final double TOLERANCE = 1e-12;
  private static final long T0 = NabSeries.parseEpochMillis("2014-04-01 00:00:00");
  private static final long STEP_MS = 5 * 60_000L;
  private static final int ROWS = 100;
  private static final Path DATA = io.streamae.testkit.SharedData.nab();

  /** NAB's scaledSigmoid, written as in sweeper.py. */
  private static double nabS(double x) {
    if (x > 3.0) {
      return -1.0;
    }
    return 2 * (1 / (1 + Math.exp(-(-5 * x)))) - 1.0;
  }

  private static long[] timestamps(int rows) {
    long[] timestamps = new long[rows];
    for (int i = 0; i < rows; i++) {
      timestamps[i] = T0 + i * STEP_MS;
    }
    return timestamps;
  }

  /** Scores 1.0 on the given rows, 0.0 elsewhere. */
  private static double[] detections(int rows, int... detected) {
    double[] scores = new double[rows];
    for (int i : detected) {
      scores[i] = 1.0;
    }
    return scores;
  }

  private static Series series(String name, List<IndexWindow> windows, int... detected) {
    return new Series(name, timestamps(ROWS), detections(ROWS, detected), windows);
  }

  private static ProfileScore scoreAtHalf(NabProfile profile, Series... corpus) {
    return NabScorer.scoreAt(List.of(corpus), profile, 0.5);
  }

  @Test
  void scaledSigmoidMatchesNabDocumentedValues() {
    // sweeper.py docstring: S(-1) = 0.98661, S(-0.5) = 0.84828, S(0) = 0, S(1) = -0.98661.
    assertThat(NabScorer.scaledSigmoid(-1.0)).isCloseTo(0.98661, within(1e-5));
    assertThat(NabScorer.scaledSigmoid(-0.5)).isCloseTo(0.84828, within(1e-5));
    assertThat(NabScorer.scaledSigmoid(0.0)).isCloseTo(0.0, within(TOLERANCE));
    assertThat(NabScorer.scaledSigmoid(1.0)).isCloseTo(-0.98661, within(1e-5));
    // Beyond 3 window widths a false positive costs the full weight; at exactly 3 it does not.
    assertThat(NabScorer.scaledSigmoid(3.0001)).isEqualTo(-1.0);
    assertThat(NabScorer.scaledSigmoid(3.0)).isCloseTo(nabS(3.0), within(TOLERANCE));
    assertThat(NabScorer.scaledSigmoid(3.0)).isGreaterThan(-1.0);
    assertThat(NabScorer.scaledSigmoid(-0.3)).isCloseTo(nabS(-0.3), within(TOLERANCE));
  }

  @Test
  void probationaryPeriodIsFifteenPercentCappedAt750Rows() {
    // min(floor(0.15 n), 0.15 * 5000)
    assertThat(NabScorer.probationaryLength(100)).isEqualTo(15);
    assertThat(NabScorer.probationaryLength(4032)).isEqualTo(604); // 604.8 -> 604
    assertThat(NabScorer.probationaryLength(4999)).isEqualTo(749); // 749.85 -> 749
    assertThat(NabScorer.probationaryLength(7267)).isEqualTo(750); // 1090 capped
    assertThat(NabScorer.probationaryLength(22695)).isEqualTo(750);
  }

  @Test
  void detectionOnWindowStartEarnsTheFullTruePositiveWeight() {
    // Window [40, 49], w = 10; detection on row 40: position -(49 - 40 + 1) / 10 = -1,
    // weight = 1.0 * S(-1) / S(-1) = 1.0 (NAB divides by maxTP = S(-1) ~ 0.98661).
    Series s = series("a", List.of(new IndexWindow(40, 49)), 40);
    for (NabProfile profile : NabProfile.values()) {
      ProfileScore score = scoreAtHalf(profile, s);
      double expected = 1.0 * nabS(-1.0) / nabS(-1.0);
      assertThat(score.rawScore()).isCloseTo(expected, within(TOLERANCE));
      assertThat(score.rawScore()).isCloseTo(profile.tpWeight(), within(TOLERANCE));
      assertThat(score.counts().windowsDetected()).isEqualTo(1);
      assertThat(score.counts().windowsMissed()).isZero();
      assertThat(score.counts().falsePositives()).isZero();
      // null = -fn * 1, perfect = tp * 1: 100 * (1 - (-fn)) / (1 - (-fn)) = 100
      assertThat(score.normalisedScore()).isCloseTo(100.0, within(1e-9));
    }
  }

  @Test
  void laterDetectionInWindowEarnsLessAccordingToTheSigmoid() {
    // Detection on row 45 of [40, 49]: position -(49 - 45 + 1) / 10 = -0.5,
    // weight = S(-0.5) / S(-1) = 0.84828 / 0.98661 ~ 0.8598.
    ProfileScore mid =
        scoreAtHalf(NabProfile.STANDARD, series("a", List.of(new IndexWindow(40, 49)), 45));
    assertThat(mid.rawScore()).isCloseTo(nabS(-0.5) / nabS(-1.0), within(TOLERANCE));
    assertThat(mid.rawScore()).isCloseTo(0.8598, within(1e-4));
    // Detection on the last row 49: position -1/10, weight = S(-0.1) / S(-1) ~ 0.2491.
    ProfileScore last =
        scoreAtHalf(NabProfile.STANDARD, series("a", List.of(new IndexWindow(40, 49)), 49));
    assertThat(last.rawScore()).isCloseTo(nabS(-0.1) / nabS(-1.0), within(TOLERANCE));
    assertThat(last.rawScore()).isPositive();
  }

  @Test
  void onlyTheFirstDetectionInAWindowCountsAndLeadTimeIsMeasuredFromIt() {
    // Detections on rows 43, 45 and 49 of [40, 49]: only 43 counts,
    // weight = S(-(49 - 43 + 1) / 10) / S(-1) = S(-0.7) / S(-1).
    Series s = series("a", List.of(new IndexWindow(40, 49)), 43, 45, 49);
    ProfileScore score = scoreAtHalf(NabProfile.STANDARD, s);
    assertThat(score.rawScore()).isCloseTo(nabS(-0.7) / nabS(-1.0), within(TOLERANCE));
    assertThat(score.counts().windowsDetected()).isEqualTo(1);
    assertThat(score.counts().truePositiveRows()).isEqualTo(3);
    assertThat(score.counts().falseNegativeRows()).isEqualTo(10 - 3);
    assertThat(score.counts().falsePositives()).isZero();
    WindowOutcome window = score.series("a").windows().get(0);
    assertThat(window.firstDetection()).hasValue(43);
    // Lead time = window end (row 49) - first detection (row 43) = 6 steps of 5 minutes.
    assertThat(window.leadTimeMs()).hasValue(6 * STEP_MS);
    assertThat(score.leadTimesMs()).containsExactly(6 * STEP_MS);
    assertThat(score.meanLeadTimeMs()).hasValue(6.0 * STEP_MS);
  }

  @Test
  void missedWindowCostsTheFalseNegativeWeight() {
    Series s = series("a", List.of(new IndexWindow(40, 49)));
    // standard / reward_low_FP_rate: -1.0; reward_low_FN_rate: -2.0.
    assertThat(scoreAtHalf(NabProfile.STANDARD, s).rawScore()).isEqualTo(-1.0);
    assertThat(scoreAtHalf(NabProfile.REWARD_LOW_FP_RATE, s).rawScore()).isEqualTo(-1.0);
    ProfileScore lowFn = scoreAtHalf(NabProfile.REWARD_LOW_FN_RATE, s);
    assertThat(lowFn.rawScore()).isEqualTo(-2.0);
    assertThat(lowFn.counts().windowsMissed()).isEqualTo(1);
    assertThat(lowFn.series("a").windows().get(0).leadTimeMs()).isEmpty();
    // Null detector: 100 * (-2 - (-2)) / (1 - (-2)) = 0.
    assertThat(lowFn.normalisedScore()).isEqualTo(0.0);
  }

  @Test
  void falsePositiveBeforeAnyWindowCostsTheFullFalsePositiveWeight() {
    // Window [80, 89] missed (-fn) and a detection on row 30 with no preceding window (-fp * 1).
    Series s = series("a", List.of(new IndexWindow(80, 89)), 30);
    ProfileScore standard = scoreAtHalf(NabProfile.STANDARD, s);
    assertThat(standard.rawScore()).isCloseTo(-1.0 - 0.11, within(TOLERANCE));
    assertThat(standard.counts().falsePositives()).isEqualTo(1);
    // 100 * (-1.11 - (-1)) / (1 - (-1)) = -5.5
    assertThat(standard.normalisedScore()).isCloseTo(-5.5, within(1e-9));
    assertThat(scoreAtHalf(NabProfile.REWARD_LOW_FP_RATE, s).rawScore())
        .isCloseTo(-1.0 - 0.22, within(TOLERANCE));
    assertThat(scoreAtHalf(NabProfile.REWARD_LOW_FN_RATE, s).rawScore())
        .isCloseTo(-2.0 - 0.11, within(TOLERANCE));
    // Same for a series without any window: 0 windows, one FP.
    ProfileScore noWindow = scoreAtHalf(NabProfile.STANDARD, series("b", List.of(), 30));
    assertThat(noWindow.rawScore()).isCloseTo(-0.11, within(TOLERANCE));
    assertThat(noWindow.normalisedScore()).isNaN(); // perfect == null == 0: undefined
  }

  @Test
  void falsePositiveAfterAWindowIsWeightedByItsDistance() {
    // Window [20, 29] (w = 10) is missed: -1. A detection on row 35: position
    // (35 - 29) / (10 - 1) = 6/9, cost 0.11 * S(6/9) ~ 0.11 * -0.931.
    Series near = series("a", List.of(new IndexWindow(20, 29)), 35);
    double expectedNear = -1.0 + 0.11 * nabS(6.0 / 9.0);
    assertThat(scoreAtHalf(NabProfile.STANDARD, near).rawScore())
        .isCloseTo(expectedNear, within(TOLERANCE));
    // Right after the window: row 30, position 1/9, S(1/9) ~ -0.276: a small cost.
    Series adjacent = series("a", List.of(new IndexWindow(20, 29)), 30);
    assertThat(scoreAtHalf(NabProfile.STANDARD, adjacent).rawScore())
        .isCloseTo(-1.0 + 0.11 * nabS(1.0 / 9.0), within(TOLERANCE))
        .isGreaterThan(expectedNear);
    // Row 57: position 28/9 = 3.11 > 3, so S = -1 and the cost is the full 0.11.
    Series far = series("a", List.of(new IndexWindow(20, 29)), 57);
    assertThat(scoreAtHalf(NabProfile.STANDARD, far).rawScore())
        .isCloseTo(-1.0 - 0.11, within(TOLERANCE));
    // The closest *preceding* window counts: row 60 after windows [20, 29] and [50, 54] (w = 5)
    // is at (60 - 54) / 4 = 1.5 from the second one.
    Series two = series("a", List.of(new IndexWindow(20, 29), new IndexWindow(50, 54)), 60);
    assertThat(scoreAtHalf(NabProfile.STANDARD, two).rawScore())
        .isCloseTo(-2.0 + 0.11 * nabS(1.5), within(TOLERANCE));
  }

  @Test
  void detectionsInTheProbationaryPeriodAreIgnored() {
    // 100 rows: rows 0..14 are probationary. A detection on row 14 is ignored...
    ProfileScore ignored = scoreAtHalf(NabProfile.STANDARD, series("a", List.of(), 14));
    assertThat(ignored.rawScore()).isEqualTo(0.0);
    assertThat(ignored.counts().falsePositives()).isZero();
    assertThat(ignored.series("a").probationaryRows()).isEqualTo(15);
    // ... one on row 15 is a false positive before any window: -0.11.
    ProfileScore counted = scoreAtHalf(NabProfile.STANDARD, series("a", List.of(), 15));
    assertThat(counted.rawScore()).isCloseTo(-0.11, within(TOLERANCE));
    assertThat(counted.counts().falsePositives()).isEqualTo(1);
    assertThat(counted.counts().trueNegativeRows()).isEqualTo(ROWS - 15 - 1);
  }

  @Test
  void windowsReachingIntoTheProbationaryPeriod() {
    // Window [10, 19] straddles the probation end (15): a detection on row 12 is ignored, the
    // one on row 16 counts at position -(19 - 16 + 1) / 10 = -0.4.
    Series straddling = series("a", List.of(new IndexWindow(10, 19)), 12, 16);
    ProfileScore score = scoreAtHalf(NabProfile.STANDARD, straddling);
    assertThat(score.rawScore()).isCloseTo(nabS(-0.4) / nabS(-1.0), within(TOLERANCE));
    assertThat(score.series("a").windows().get(0).firstDetection()).hasValue(16);
    // Window [2, 8] lies wholly in the probation: not scored, neither in null nor perfect.
    Series hidden = series("b", List.of(new IndexWindow(2, 8), new IndexWindow(40, 49)), 40);
    ProfileScore hiddenScore = scoreAtHalf(NabProfile.STANDARD, hidden);
    assertThat(hiddenScore.rawScore()).isCloseTo(1.0, within(TOLERANCE));
    assertThat(hiddenScore.counts().windows()).isEqualTo(1);
    assertThat(hiddenScore.counts().windowsInProbation()).isEqualTo(1);
    assertThat(hiddenScore.nullScore()).isEqualTo(-1.0);
    assertThat(hiddenScore.perfectScore()).isEqualTo(1.0);
    assertThat(hiddenScore.series("b").windows().get(0).scorable()).isFalse();
  }

  @Test
  void theThreeProfilesWeighTheSameDetectionsDifferently() {
    // Series a: window [40, 49] detected on its first row (+1), FP on row 20 before it (-fp).
    // Series b: window [60, 69] missed (-fn), FP on row 30 before it (-fp).
    Series a = series("a", List.of(new IndexWindow(40, 49)), 40, 20);
    Series b = series("b", List.of(new IndexWindow(60, 69)), 30);
    ProfileScore standard = scoreAtHalf(NabProfile.STANDARD, a, b);
    ProfileScore lowFp = scoreAtHalf(NabProfile.REWARD_LOW_FP_RATE, a, b);
    ProfileScore lowFn = scoreAtHalf(NabProfile.REWARD_LOW_FN_RATE, a, b);
    // standard: 1 - 1 - 2 * 0.11 = -0.22; null -2, perfect 2: 100 * 1.78 / 4 = 44.5
    assertThat(standard.rawScore()).isCloseTo(-0.22, within(TOLERANCE));
    assertThat(standard.normalisedScore()).isCloseTo(44.5, within(1e-9));
    // low FP: 1 - 1 - 2 * 0.22 = -0.44; 100 * 1.56 / 4 = 39
    assertThat(lowFp.rawScore()).isCloseTo(-0.44, within(TOLERANCE));
    assertThat(lowFp.normalisedScore()).isCloseTo(39.0, within(1e-9));
    // low FN: 1 - 2 - 2 * 0.11 = -1.22; null -4, perfect 2: 100 * 2.78 / 6 = 46.333...
    assertThat(lowFn.rawScore()).isCloseTo(-1.22, within(TOLERANCE));
    assertThat(lowFn.normalisedScore()).isCloseTo(100.0 * 2.78 / 6.0, within(1e-9));
    // Per series: a = 1 - 0.11 under standard.
    assertThat(standard.series("a").rawScore()).isCloseTo(0.89, within(TOLERANCE));
    assertThat(standard.counts().windowsDetected()).isEqualTo(1);
    assertThat(standard.counts().windowsMissed()).isEqualTo(1);
    assertThat(standard.counts().falsePositives()).isEqualTo(2);
  }

  @Test
  void nullDetectorNormalisesToZeroAndPerfectDetectorToHundred() {
    List<IndexWindow> windowsA = List.of(new IndexWindow(30, 39), new IndexWindow(70, 79));
    List<IndexWindow> windowsB = List.of(new IndexWindow(50, 64));
    // Null: constant 0.5 as NAB's null detector; the optimiser keeps "no detection" (1.1).
    List<Series> nullCorpus =
        List.of(
            new Series("a", timestamps(ROWS), constant(ROWS, 0.5), windowsA),
            new Series("b", timestamps(ROWS), constant(ROWS, 0.5), windowsB));
    // Perfect: one detection on every window start.
    List<Series> perfectCorpus = List.of(series("a", windowsA, 30, 70), series("b", windowsB, 50));
    for (NabProfile profile : NabProfile.values()) {
      ProfileScore nullScore = NabScorer.score(nullCorpus).profile(profile);
      assertThat(nullScore.threshold()).isEqualTo(NabScorer.NO_DETECTION_THRESHOLD);
      assertThat(nullScore.rawScore()).isEqualTo(-3 * profile.fnWeight());
      assertThat(nullScore.normalisedScore()).isEqualTo(0.0);
      ProfileScore perfect = NabScorer.score(perfectCorpus).profile(profile);
      assertThat(perfect.rawScore()).isCloseTo(3 * profile.tpWeight(), within(TOLERANCE));
      assertThat(perfect.normalisedScore()).isCloseTo(100.0, within(1e-9));
      assertThat(perfect.counts().windowsDetected()).isEqualTo(3);
    }
  }

  @Test
  void sweepEvaluatesEveryDistinctScoreAndOptimiserPicksTheCorpusBest() {
    // Window [40, 49]; row 20 scores 0.8 (FP before the window), row 40 scores 0.6 (window start),
    // row 45 scores 0.6 as well, every other row 0.1.
    double[] scores = constant(ROWS, 0.1);
    scores[20] = 0.8;
    scores[40] = 0.6;
    scores[45] = 0.6;
    Series s = new Series("a", timestamps(ROWS), scores, List.of(new IndexWindow(40, 49)));
    List<ThresholdScore> sweep = NabScorer.sweep(List.of(s), NabProfile.STANDARD);
    assertThat(sweep).extracting(ThresholdScore::threshold).containsExactly(1.1, 0.8, 0.6, 0.1);
    // 1.1: nothing detected, window missed: -1
    assertThat(sweep.get(0).rawScore()).isCloseTo(-1.0, within(TOLERANCE));
    // 0.8: plus the FP on row 20: -1 - 0.11
    assertThat(sweep.get(1).rawScore()).isCloseTo(-1.11, within(TOLERANCE));
    // 0.6: window detected on its start (rows 40 and 45, 40 counts): 1 - 0.11
    assertThat(sweep.get(2).rawScore()).isCloseTo(0.89, within(TOLERANCE));
    assertThat(sweep.get(2).truePositiveRows()).isEqualTo(2);
    assertThat(sweep.get(2).falsePositiveRows()).isEqualTo(1);
    // 0.1: every scorable row fires; outside rows 15..39 cost -0.11 each (no preceding window),
    // rows 50..99 cost 0.11 * S((i - 49) / 9).
    double all = 1.0 - 25 * 0.11;
    for (int i = 50; i < ROWS; i++) {
      all += 0.11 * nabS((i - 49) / 9.0);
    }
    assertThat(sweep.get(3).rawScore()).isCloseTo(all, within(1e-9));
    // Every sweep point agrees with scoring directly at that threshold.
    for (ThresholdScore point : sweep) {
      ProfileScore direct = NabScorer.scoreAt(List.of(s), NabProfile.STANDARD, point.threshold());
      assertThat(direct.rawScore()).isCloseTo(point.rawScore(), within(1e-9));
      assertThat(direct.counts().falsePositives()).isEqualTo(point.falsePositiveRows());
      assertThat(direct.counts().truePositiveRows()).isEqualTo(point.truePositiveRows());
    }
    ProfileScore best = NabScorer.score(List.of(s)).profile(NabProfile.STANDARD);
    assertThat(best.threshold()).isEqualTo(0.6);
    assertThat(best.rawScore()).isCloseTo(0.89, within(TOLERANCE));
    // 100 * (0.89 + 1) / 2 = 94.5
    assertThat(best.normalisedScore()).isCloseTo(94.5, within(1e-9));
  }

  @Test
  void optimisationSpansTheCorpusAndTiesKeepTheHighestThreshold() {
    // a: window [40, 49], row 40 at 0.9 and row 41 at 0.7 (a second detection in the window adds
    // nothing, so thresholds 0.9 and 0.7 tie); b: no window, row 50 at 0.95 (an FP). Others 0.
    double[] a = new double[ROWS];
    a[40] = 0.9;
    a[41] = 0.7;
    double[] b = new double[ROWS];
    b[50] = 0.95;
    Series seriesA = new Series("a", timestamps(ROWS), a, List.of(new IndexWindow(40, 49)));
    Series seriesB = new Series("b", timestamps(ROWS), b, List.of());
    List<Series> corpus = List.of(seriesA, seriesB);
    Map<Double, Double> byThreshold = new LinkedHashMap<>();
    for (ThresholdScore point : NabScorer.sweep(corpus, NabProfile.STANDARD)) {
      byThreshold.put(point.threshold(), point.rawScore());
    }
    assertThat(byThreshold.keySet()).containsExactly(1.1, 0.95, 0.9, 0.7, 0.0);
    // 1.1: -1 (missed); 0.95: -1 - 0.11; 0.9: 1 - 0.11; 0.7: 1 - 0.11 (row 41 does not count)
    assertThat(byThreshold.get(1.1)).isCloseTo(-1.0, within(TOLERANCE));
    assertThat(byThreshold.get(0.95)).isCloseTo(-1.11, within(TOLERANCE));
    assertThat(byThreshold.get(0.9)).isCloseTo(0.89, within(TOLERANCE));
    assertThat(byThreshold.get(0.7)).isCloseTo(0.89, within(TOLERANCE));
    assertThat(byThreshold.get(0.0)).isLessThan(0.0);
    ThresholdScore best = NabScorer.optimise(corpus, NabProfile.STANDARD);
    assertThat(best.threshold()).isEqualTo(0.9);
    // One threshold for the whole corpus: b alone would prefer no detection (1.1, score 0), but
    // at the corpus threshold 0.9 its row 50 is a false positive.
    assertThat(NabScorer.optimise(List.of(seriesB), NabProfile.STANDARD).threshold())
        .isEqualTo(NabScorer.NO_DETECTION_THRESHOLD);
    ProfileScore score = NabScorer.score(corpus).profile(NabProfile.STANDARD);
    assertThat(score.threshold()).isEqualTo(0.9);
    assertThat(score.series("b").rawScore()).isCloseTo(-0.11, within(TOLERANCE));
    assertThat(score.series("a").rawScore()).isCloseTo(1.0, within(TOLERANCE));
    assertThat(score.rawScore()).isCloseTo(0.89, within(TOLERANCE));
  }

  @Test
  void detectionIsScoreAtLeastThreshold() {
    double[] scores = new double[ROWS];
    scores[40] = 0.5;
    Series s = new Series("a", timestamps(ROWS), scores, List.of(new IndexWindow(40, 49)));
    assertThat(NabScorer.scoreAt(List.of(s), NabProfile.STANDARD, 0.5).rawScore())
        .isCloseTo(1.0, within(TOLERANCE));
    assertThat(NabScorer.scoreAt(List.of(s), NabProfile.STANDARD, Math.nextUp(0.5)).rawScore())
        .isEqualTo(-1.0);
  }

  @Test
  void labelWindowsMapToInclusiveRowRanges() {
    long[] timestamps = timestamps(ROWS);
    // Rows 40..49 are 03:20 .. 04:05 (5-minute steps from midnight).
    NabLabels.Window window =
        NabLabels.Window.parse("2014-04-01 03:20:00.000000", "2014-04-01 04:05:00.000000");
    Series s = Series.withLabelWindows("a", timestamps, detections(ROWS, 40), List.of(window));
    assertThat(s.windows()).containsExactly(new IndexWindow(40, 49));
    NabLabels.Window between = NabLabels.Window.parse("2014-04-01 03:21:00", "2014-04-01 03:24:00");
    assertThatThrownBy(
            () -> Series.withLabelWindows("a", timestamps, new double[ROWS], List.of(between)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("series a")
        .hasMessageContaining("covers no row");
  }

  @Test
  void labelWindowsFollowNabEnterOnStartExitOnEndWhenTimestampsStepBack() {
    // Minutes 0, 5, 10, 15, then back to 10, 15, 20, 25 (as NAB's machine_temperature repeats an
    // hour). Window [10, 15] is entered on row 2 and left on the first 15 (row 3), as NAB does.
    long[] timestamps = new long[8];
    int[] minutes = {0, 5, 10, 15, 10, 15, 20, 25};
    for (int i = 0; i < 8; i++) {
      timestamps[i] = T0 + minutes[i] * 60_000L;
    }
    NabLabels.Window first = NabLabels.Window.parse("2014-04-01 00:10:00", "2014-04-01 00:15:00");
    NabLabels.Window second = NabLabels.Window.parse("2014-04-01 00:20:00", "2014-04-01 00:25:00");
    assertThat(NabScorer.toIndexWindows("a", timestamps, List.of(first, second)))
        .containsExactly(new IndexWindow(2, 3), new IndexWindow(6, 7));
  }

  @Test
  void rejectsInvalidInput() {
    double[] bad = new double[ROWS];
    bad[7] = 1.5;
    assertThatThrownBy(() -> new Series("a", timestamps(ROWS), bad, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 7")
        .hasMessageContaining("[0, 1]");
    bad[7] = Double.NaN;
    assertThatThrownBy(() -> new Series("a", timestamps(ROWS), bad, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new Series(
                    "a",
                    timestamps(ROWS),
                    new double[ROWS],
                    List.of(new IndexWindow(10, 20), new IndexWindow(20, 30))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window 1");
    assertThatThrownBy(
            () ->
                new Series(
                    "a", timestamps(ROWS), new double[ROWS], List.of(new IndexWindow(90, 100))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceed");
    Series s = series("a", List.of());
    assertThatThrownBy(() -> NabScorer.score(List.of(s, s)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void perfectAndNullDetectorsOnTheRealSubset() throws IOException {
    // All 13 series of the subset: a detection on each window start scores 100, none scores 0.
    NabLabels labels = NabLabels.read(DATA.resolve("labels/combined_windows_subset.json"));
    List<Series> perfect = new ArrayList<>();
    List<Series> none = new ArrayList<>();
    for (String file : labels.files()) {
      NabSeries data = NabSeries.read(DATA.resolve("data").resolve(file), file);
      List<IndexWindow> windows =
          NabScorer.toIndexWindows(file, data.timestampsMs(), labels.windows(file));
      double[] scores = new double[data.size()];
      for (IndexWindow window : windows) {
        scores[window.first()] = 1.0;
      }
      perfect.add(Series.withLabelWindows(file, data.timestampsMs(), scores, labels.windows(file)));
      none.add(
          Series.withLabelWindows(
              file, data.timestampsMs(), new double[data.size()], labels.windows(file)));
    }
    ProfileScore best = NabScorer.score(perfect).profile(NabProfile.STANDARD);
    // 6 artificial windows + 2 ambient + 4 machine = 12, none in a probationary period.
    assertThat(best.counts().windows()).isEqualTo(12);
    assertThat(best.counts().windowsInProbation()).isZero();
    assertThat(best.rawScore()).isCloseTo(12.0, within(1e-9));
    assertThat(best.normalisedScore()).isCloseTo(100.0, within(1e-9));
    assertThat(best.counts().falsePositives()).isZero();
    // Lead time of a start detection = window duration; machine_temperature's first window
    // runs 2013-12-10 06:25 .. 2013-12-12 05:35 = 47 h 10 min.
    SeriesScore machine = best.series("realKnownCause/machine_temperature_system_failure.csv");
    assertThat(machine.leadTimesMs()).hasSize(4);
    assertThat(machine.leadTimesMs().get(0)).isEqualTo((47 * 60 + 10) * 60_000L);
    assertThat(machine.probationaryRows()).isEqualTo(750);
    for (NabProfile profile : NabProfile.values()) {
      assertThat(NabScorer.score(none).profile(profile).normalisedScore()).isEqualTo(0.0);
    }
  }

  private static double[] constant(int rows, double value) {
    double[] scores = new double[rows];
    Arrays.fill(scores, value);
    return scores;
  }
}
