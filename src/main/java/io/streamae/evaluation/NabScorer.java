package io.streamae.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * NAB scoring (Lavin &amp; Ahmad 2015) of per-row anomaly scores against labelled anomaly windows,
 * following NAB's {@code nab/sweeper.py}, {@code nab/scorer.py}, {@code nab/optimizer.py} and
 * {@code nab/runner.py} (normalisation).
 *
 * <p>Input: a corpus of {@link Series}, each with timestamps, anomaly scores in [0, 1] and its
 * windows as inclusive row ranges. Output: per {@link NabProfile} a {@link ProfileScore} with the
 * threshold, raw and normalised score, counts and per-series / per-window details.
 *
 * <p>Semantics, as in NAB:
 *
 * <ul>
 *   <li>A row is a detection when {@code anomalyScore >= threshold}.
 *   <li>The first {@link #probationaryLength(int) min(floor(0.15 n), 750)} rows of each series are
 *       ignored (neither detections nor misses).
 *   <li>A window with at least one detection earns {@code tpWeight * S(p) / S(-1)} for its
 *       <em>earliest</em> detection only, where {@code S} is {@link #scaledSigmoid} and {@code p =
 *       -(last - i + 1) / width} is the relative position of row {@code i}; a detection on the
 *       first row ({@code p = -1}) earns exactly {@code tpWeight}. A window without detection costs
 *       {@code -fnWeight}.
 *   <li>A detection outside every window costs {@code fpWeight * S(p)} with {@code p = (i -
 *       prevLast) / (prevWidth - 1)} relative to the closest preceding window ({@code S(p) = -1}
 *       beyond {@code p > 3}; a preceding window of one row gives {@code p = +inf}), or {@code
 *       -fpWeight} when no window precedes it.
 *   <li>The threshold of a profile is optimised over the whole corpus at once, then every series is
 *       scored at that one threshold; the corpus raw score is the sum over series.
 *   <li>Normalised score = {@code 100 * (raw - null) / (perfect - null)}, where null = the score of
 *       no detections ({@code -fnWeight} per window) and perfect = a detection at every window's
 *       first row ({@code tpWeight} per window, NAB's {@code tpCount * tpWeight}).
 * </ul>
 *
 * <p>Threshold optimisation: NAB's current optimizer (built on {@code Sweeper}) does not search
 * locally; it walks all rows of the corpus in descending anomaly score and records the corpus score
 * at every distinct score value, plus the "no detection" threshold {@value #NO_DETECTION_THRESHOLD}
 * (NAB's start value), then takes the best. {@link #sweep} does exactly that: the score can only
 * change at a distinct score value, so evaluating every one is exact, and one pass plus a sort is
 * cheap for the ~75k rows here (O(n log n + d w) for d distinct values and w windows). Ties keep
 * the highest threshold, as NAB's stable sort does. (NAB's older {@code twiddle} hill climb, seeded
 * at 0.5, could stop at a local optimum; it is not reproduced.)
 *
 * <p>Windows lying entirely inside the probationary period have no scorable row; like NAB's sweeper
 * they contribute nothing to raw, null or perfect scores and are reported with {@code scorable ==
 * false}. NAB's labels never place a window there.
 */
public final class NabScorer {
  /** Fraction of each series that is probationary. */
  public static final double PROBATIONARY_PERCENT = 0.15;

  /** NAB caps the probationary period at {@code 0.15 * 5000 = 750} rows. */
  public static final int PROBATIONARY_CAP_ROWS = 750;

  /** Threshold above every valid anomaly score: no detections (NAB's sweep start value). */
  public static final double NO_DETECTION_THRESHOLD = 1.1;

  private NabScorer() {}

  /**
   * A labelled window as an inclusive range of row indices.
   *
   * @param first index of the window's first row
   * @param last index of the window's last row, {@code >= first}
   */
  public record IndexWindow(int first, int last) {
    public IndexWindow {
      if (first < 0 || last < first) {
        throw new IllegalArgumentException(
            String.format("window rows [%s, %s] are not a valid range", first, last));
      }
    }

    /** Number of rows in the window. */
    public int width() {
      return last - first + 1;
    }

    /** Whether row {@code i} lies in the window. */
    public boolean contains(int i) {
      return i >= first && i <= last;
    }
  }

  /**
   * Scorer input for one series: row timestamps, the detector's anomaly scores and the windows.
   * Arrays are copied on the way in and out.
   */
  public static final class Series {
    private final String name;
    private final long[] timestampsMs;
    private final double[] anomalyScores;
    private final List<IndexWindow> windows;

    /**
     * @param name series name, used in results and messages
     * @param timestampsMs epoch milliseconds (naive timestamps as UTC), in row order; only used for
     *     lead times and window mapping, so they need not increase (NAB scores by row)
     * @param anomalyScores one score in [0, 1] per row
     * @param windows windows as row ranges, in row order, not overlapping
     */
    public Series(
        String name, long[] timestampsMs, double[] anomalyScores, List<IndexWindow> windows) {
      if (timestampsMs.length != anomalyScores.length) {
        throw new IllegalArgumentException(
            String.format(
                "series %s has %s timestamps but %s anomaly scores",
                name, timestampsMs.length, anomalyScores.length));
      }
      for (int i = 0; i < anomalyScores.length; i++) {
        double score = anomalyScores[i];
        if (!(score >= 0.0 && score <= 1.0)) {
          throw new IllegalArgumentException(
              String.format(
                  "series %s: anomaly score %s of row %s is not in [0, 1]", name, score, i));
        }
      }
      for (int w = 0; w < windows.size(); w++) {
        IndexWindow window = windows.get(w);
        if (window.last() >= timestampsMs.length) {
          throw new IllegalArgumentException(
              String.format(
                  "series %s: window %s rows [%s, %s] exceed its %s rows",
                  name, w, window.first(), window.last(), timestampsMs.length));
        }
        if (w > 0 && window.first() <= windows.get(w - 1).last()) {
          throw new IllegalArgumentException(
              String.format(
                  "series %s: window %s does not start after window %s ends", name, w, w - 1));
        }
      }
      this.name = name;
      this.timestampsMs = timestampsMs.clone();
      this.anomalyScores = anomalyScores.clone();
      this.windows = List.copyOf(windows);
    }

    /**
     * Builds a series whose windows are given as timestamps, mapped by {@link #toIndexWindows}.
     *
     * @throws IllegalArgumentException when a window covers no row
     */
    public static Series withLabelWindows(
        String name, long[] timestampsMs, double[] anomalyScores, List<NabLabels.Window> windows) {
      return new Series(
          name, timestampsMs, anomalyScores, toIndexWindows(name, timestampsMs, windows));
    }

    /** Builds a series from a data series, its anomaly scores and its label windows. */
    public static Series of(
        NabSeries series, double[] anomalyScores, List<NabLabels.Window> windows) {
      return withLabelWindows(series.name(), series.timestampsMs(), anomalyScores, windows);
    }

    public String name() {
      return name;
    }

    /** Number of rows. */
    public int size() {
      return timestampsMs.length;
    }

    /** A copy of the timestamps, epoch milliseconds. */
    public long[] timestampsMs() {
      return timestampsMs.clone();
    }

    /** A copy of the anomaly scores. */
    public double[] anomalyScores() {
      return anomalyScores.clone();
    }

    /** The windows as row ranges, unmodifiable. */
    public List<IndexWindow> windows() {
      return windows;
    }

    @Override
    public String toString() {
      return String.format("Series{name=%s, rows=%s, windows=%s}", name, size(), windows);
    }
  }

  /**
   * Outcome of one window at a threshold.
   *
   * @param first first row of the window
   * @param last last row of the window
   * @param startMs timestamp of the first row
   * @param endMs timestamp of the last row
   * @param scorable false when the whole window lies in the probationary period
   * @param firstDetection earliest scorable detection inside the window, if any
   * @param firstDetectionMs timestamp of {@code firstDetection}, if any
   * @param score contribution to the raw score: TP weight, {@code -fnWeight}, or 0 if unscorable
   */
  public record WindowOutcome(
      int first,
      int last,
      long startMs,
      long endMs,
      boolean scorable,
      OptionalInt firstDetection,
      OptionalLong firstDetectionMs,
      double score) {

    /** Whether the window was detected (has a scorable detection). */
    public boolean detected() {
      return firstDetection.isPresent();
    }

    /** {@code endMs - firstDetectionMs} for a detected window: how early the alarm came. */
    public OptionalLong leadTimeMs() {
      return firstDetectionMs.isPresent()
          ? OptionalLong.of(endMs - firstDetectionMs.getAsLong())
          : OptionalLong.empty();
    }
  }

  /**
   * Detection counts. Window counts cover scorable windows; row counts cover rows after the
   * probationary period (NAB's TP/TN/FP/FN columns count rows).
   *
   * @param windows scorable windows
   * @param windowsDetected scorable windows with at least one detection
   * @param windowsMissed scorable windows without detection
   * @param windowsInProbation windows entirely in the probationary period (not scored)
   * @param falsePositives detections outside every window (NAB's FP row count)
   * @param truePositiveRows detections inside windows (NAB's TP row count)
   * @param falseNegativeRows window rows without detection
   * @param trueNegativeRows rows outside windows without detection
   */
  public record Counts(
      int windows,
      int windowsDetected,
      int windowsMissed,
      int windowsInProbation,
      int falsePositives,
      int truePositiveRows,
      int falseNegativeRows,
      int trueNegativeRows) {
    /** All zero. */
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0, 0);

    /** Element-wise sum. */
    public Counts plus(Counts other) {
      return new Counts(
          windows + other.windows,
          windowsDetected + other.windowsDetected,
          windowsMissed + other.windowsMissed,
          windowsInProbation + other.windowsInProbation,
          falsePositives + other.falsePositives,
          truePositiveRows + other.truePositiveRows,
          falseNegativeRows + other.falseNegativeRows,
          trueNegativeRows + other.trueNegativeRows);
    }
  }

  /**
   * Score of one series at a threshold.
   *
   * @param name series name
   * @param rows number of rows
   * @param probationaryRows rows ignored at the start
   * @param rawScore sum of window contributions and false-positive costs
   * @param counts detection counts
   * @param windows outcome per window, in row order
   */
  public record SeriesScore(
      String name,
      int rows,
      int probationaryRows,
      double rawScore,
      Counts counts,
      List<WindowOutcome> windows) {
    public SeriesScore {
      windows = List.copyOf(windows);
    }

    /** Lead times of the detected windows, in window order. */
    public List<Long> leadTimesMs() {
      List<Long> leadTimes = new ArrayList<>();
      for (WindowOutcome window : windows) {
        window.leadTimeMs().ifPresent(leadTimes::add);
      }
      return List.copyOf(leadTimes);
    }
  }

  /**
   * Corpus score of one profile at one threshold.
   *
   * @param profile the cost profile
   * @param threshold detection threshold: a row is a detection when its score is {@code >=} it
   * @param rawScore sum of the series' raw scores
   * @param nullScore raw score of a detector that never fires ({@code -fnWeight} per window)
   * @param perfectScore raw score of a detection at every window start ({@code tpWeight} per
   *     window)
   * @param normalisedScore {@code 100 * (raw - null) / (perfect - null)}; NaN when the corpus has
   *     no scorable window (normalisation undefined)
   * @param counts corpus totals
   * @param series per-series scores, in corpus order
   */
  public record ProfileScore(
      NabProfile profile,
      double threshold,
      double rawScore,
      double nullScore,
      double perfectScore,
      double normalisedScore,
      Counts counts,
      List<SeriesScore> series) {
    public ProfileScore {
      series = List.copyOf(series);
    }

    /** The score of one series by name. */
    public SeriesScore series(String name) {
      for (SeriesScore score : series) {
        if (score.name().equals(name)) {
          return score;
        }
      }
      throw new IllegalArgumentException(String.format("no series named %s was scored", name));
    }

    /** Lead times of all detected windows, in corpus order. */
    public List<Long> leadTimesMs() {
      List<Long> leadTimes = new ArrayList<>();
      for (SeriesScore score : series) {
        leadTimes.addAll(score.leadTimesMs());
      }
      return List.copyOf(leadTimes);
    }

    /** Mean lead time over detected windows; empty when none was detected. */
    public OptionalDouble meanLeadTimeMs() {
      return leadTimesMs().stream().mapToLong(Long::longValue).average();
    }
  }

  /**
   * One point of the threshold sweep over the corpus (NAB's {@code ThresholdScore}).
   *
   * @param threshold detections are rows with score {@code >=} it
   * @param rawScore corpus raw score at this threshold
   * @param truePositiveRows scorable detections inside windows
   * @param trueNegativeRows scorable rows outside windows without detection
   * @param falsePositiveRows scorable detections outside windows
   * @param falseNegativeRows scorable window rows without detection
   */
  public record ThresholdScore(
      double threshold,
      double rawScore,
      int truePositiveRows,
      int trueNegativeRows,
      int falsePositiveRows,
      int falseNegativeRows) {}

  /**
   * Scores of all requested profiles, each at its own optimised threshold.
   *
   * @param profiles one score per profile, in {@link NabProfile} order
   */
  public record Result(List<ProfileScore> profiles) {
    public Result {
      profiles = List.copyOf(profiles);
    }

    /** The score of one profile. */
    public ProfileScore profile(NabProfile profile) {
      for (ProfileScore score : profiles) {
        if (score.profile() == profile) {
          return score;
        }
      }
      throw new IllegalArgumentException(String.format("profile %s was not scored", profile));
    }
  }

  /**
   * NAB's scaled sigmoid {@code 2 / (1 + exp(5 x)) - 1}, and {@code -1} for {@code x > 3}.
   *
   * <p>{@code S(-1) = 0.98661}, {@code S(-0.5) = 0.84828}, {@code S(0) = 0}, {@code S(1) =
   * -0.98661}.
   *
   * @param relativePosition position relative to a window's right edge, in window widths
   */
  public static double scaledSigmoid(double relativePosition) {
    if (relativePosition > 3.0) {
      return -1.0;
    }
    return 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
  }

  /** NAB's probationary period: {@code min(floor(0.15 * rows), 0.15 * 5000)} rows. */
  public static int probationaryLength(int rows) {
    return (int) Math.min(Math.floor(PROBATIONARY_PERCENT * rows), PROBATIONARY_PERCENT * 5000);
  }

  /** Normalises a raw score: {@code 100 * (raw - null) / (perfect - null)}, NaN if undefined. */
  public static double normalise(double rawScore, double nullScore, double perfectScore) {
    if (perfectScore == nullScore) {
      return Double.NaN;
    }
    return 100.0 * (rawScore - nullScore) / (perfectScore - nullScore);
  }

  /**
   * Maps timestamp windows to row ranges by one forward scan, as NAB's sweeper walks the rows: a
   * window starts at the first row (after the previous window) with {@code timestamp >= start} and
   * ends at the first later row with {@code timestamp == end}, or just before the first row with
   * {@code timestamp > end}. With NAB's labels both bounds are row timestamps, so this is exactly
   * NAB's enter-on-start / exit-on-end rule; on increasing timestamps it is the rows with {@code
   * start <= t <= end}. Timestamps need not increase (see {@link NabSeries}).
   *
   * @throws IllegalArgumentException naming the series when a window covers no row
   */
  public static List<IndexWindow> toIndexWindows(
      String name, long[] timestampsMs, List<NabLabels.Window> windows) {
    List<IndexWindow> result = new ArrayList<>();
    int n = timestampsMs.length;
    int i = 0;
    for (int w = 0; w < windows.size(); w++) {
      NabLabels.Window window = windows.get(w);
      long startMs = window.startMs();
      long endMs = window.endMs();
      while (i < n && timestampsMs[i] < startMs) {
        i++;
      }
      int first = i;
      int last = -1;
      while (i < n && timestampsMs[i] <= endMs) {
        last = i++;
        if (timestampsMs[last] == endMs) {
          break;
        }
      }
      if (last < first) {
        throw new IllegalArgumentException(
            String.format(
                "series %s: window %s (%s .. %s) covers no row",
                name, w, window.start(), window.end()));
      }
      result.add(new IndexWindow(first, last));
    }
    return List.copyOf(result);
  }

  /** Optimises the threshold for every profile and scores the corpus there. */
  public static Result score(List<Series> corpus) {
    return score(corpus, EnumSet.allOf(NabProfile.class));
  }

  /** Optimises the threshold for each of {@code profiles} and scores the corpus there. */
  public static Result score(List<Series> corpus, Collection<NabProfile> profiles) {
    EnumSet<NabProfile> ordered = EnumSet.noneOf(NabProfile.class);
    ordered.addAll(profiles);
    List<ProfileScore> scores = new ArrayList<>();
    for (NabProfile profile : ordered) {
      scores.add(scoreAt(corpus, profile, optimise(corpus, profile).threshold()));
    }
    return new Result(scores);
  }

  /** The best point of {@link #sweep}: highest corpus score, ties to the highest threshold. */
  public static ThresholdScore optimise(List<Series> corpus, NabProfile profile) {
    ThresholdScore best = null;
    for (ThresholdScore point : sweep(corpus, profile)) {
      if (best == null || point.rawScore() > best.rawScore()) {
        best = point;
      }
    }
    return best;
  }

  /**
   * Corpus score at every candidate threshold, from {@value #NO_DETECTION_THRESHOLD} (no detection)
   * down through every distinct anomaly score of a scorable row (NAB's {@code
   * Sweeper.calcScoreByThreshold} over the concatenated corpus).
   *
   * @return points in descending threshold order; the first is the no-detection threshold
   */
  public static List<ThresholdScore> sweep(List<Series> corpus, NabProfile profile) {
    checkNames(corpus);
    // Every scorable row of the corpus with its weighted score and global window id (-1 outside).
    int total = 0;
    for (Series series : corpus) {
      total += series.size() - Math.min(series.size(), probationaryLength(series.size()));
    }
    double[] scores = new double[total];
    double[] weights = new double[total];
    int[] windowIds = new int[total];
    int rowCount = 0;
    int windowCount = 0;
    for (Series series : corpus) {
      RowWeights rows = RowWeights.of(series, profile);
      for (int i = rows.probation; i < series.size(); i++) {
        scores[rowCount] = series.anomalyScores[i];
        weights[rowCount] = rows.weights[i];
        windowIds[rowCount] = rows.windowOf[i] < 0 ? -1 : windowCount + rows.windowOf[i];
        rowCount++;
      }
      windowCount += series.windows.size();
    }
    Integer[] order = new Integer[total];
    for (int k = 0; k < total; k++) {
      order[k] = k;
    }
    // Stable sort, highest score first, as NAB's sorted(..., reverse=True).
    Arrays.sort(order, Comparator.comparingDouble((Integer k) -> scores[k]).reversed());

    // Window parts start at -fnWeight; summed in first-appearance order, as NAB's dict is.
    double[] parts = new double[windowCount];
    int[] partOrder = new int[windowCount];
    boolean[] seen = new boolean[windowCount];
    int scorableWindows = 0;
    int tn = 0;
    int fn = 0;
    for (int k : order) {
      int w = windowIds[k];
      if (w < 0) {
        tn++;
      } else {
        fn++;
        if (!seen[w]) {
          seen[w] = true;
          parts[w] = -profile.fnWeight();
          partOrder[scorableWindows++] = w;
        }
      }
    }
    int tp = 0;
    int fp = 0;
    double fpScore = 0.0;
    double threshold = NO_DETECTION_THRESHOLD;
    List<ThresholdScore> points = new ArrayList<>();
    for (int k : order) {
      if (scores[k] != threshold) {
        points.add(
            new ThresholdScore(
                threshold, sum(fpScore, parts, partOrder, scorableWindows), tp, tn, fp, fn));
        threshold = scores[k];
      }
      int w = windowIds[k];
      if (w < 0) {
        fp++;
        tn--;
        fpScore += weights[k];
      } else {
        tp++;
        fn--;
        parts[w] = Math.max(parts[w], weights[k]);
      }
    }
    points.add(
        new ThresholdScore(
            threshold, sum(fpScore, parts, partOrder, scorableWindows), tp, tn, fp, fn));
    return List.copyOf(points);
  }

  /**
   * Scores the corpus for one profile at a given threshold (NAB's {@code scoreCorpus}).
   *
   * @param threshold a row is a detection when its anomaly score is {@code >=} threshold
   */
  public static ProfileScore scoreAt(List<Series> corpus, NabProfile profile, double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must be a number, got NaN");
    }
    checkNames(corpus);
    List<SeriesScore> seriesScores = new ArrayList<>();
    double raw = 0.0;
    Counts counts = Counts.ZERO;
    for (Series series : corpus) {
      SeriesScore score = scoreSeries(series, profile, threshold);
      seriesScores.add(score);
      raw += score.rawScore();
      counts = counts.plus(score.counts());
    }
    double nullScore = -profile.fnWeight() * counts.windows();
    double perfectScore = profile.tpWeight() * counts.windows();
    return new ProfileScore(
        profile,
        threshold,
        raw,
        nullScore,
        perfectScore,
        normalise(raw, nullScore, perfectScore),
        counts,
        seriesScores);
  }

  private static SeriesScore scoreSeries(Series series, NabProfile profile, double threshold) {
    RowWeights rows = RowWeights.of(series, profile);
    int n = series.size();
    double[] scores = series.anomalyScores;
    double fpScore = 0.0;
    int falsePositives = 0;
    int trueNegatives = 0;
    for (int i = rows.probation; i < n; i++) {
      if (rows.windowOf[i] >= 0) {
        continue;
      }
      if (scores[i] >= threshold) {
        falsePositives++;
        fpScore += rows.weights[i];
      } else {
        trueNegatives++;
      }
    }
    double windowScore = 0.0;
    int scorable = 0;
    int detected = 0;
    int inProbation = 0;
    int truePositiveRows = 0;
    int falseNegativeRows = 0;
    List<WindowOutcome> outcomes = new ArrayList<>();
    for (IndexWindow window : series.windows) {
      long startMs = series.timestampsMs[window.first()];
      long endMs = series.timestampsMs[window.last()];
      if (window.last() < rows.probation) {
        inProbation++;
        outcomes.add(
            new WindowOutcome(
                window.first(),
                window.last(),
                startMs,
                endMs,
                false,
                OptionalInt.empty(),
                OptionalLong.empty(),
                0.0));
        continue;
      }
      scorable++;
      int firstDetection = -1;
      for (int i = Math.max(window.first(), rows.probation); i <= window.last(); i++) {
        if (scores[i] >= threshold) {
          truePositiveRows++;
          if (firstDetection < 0) {
            firstDetection = i;
          }
        } else {
          falseNegativeRows++;
        }
      }
      if (firstDetection < 0) {
        windowScore += -profile.fnWeight();
        outcomes.add(
            new WindowOutcome(
                window.first(),
                window.last(),
                startMs,
                endMs,
                true,
                OptionalInt.empty(),
                OptionalLong.empty(),
                -profile.fnWeight()));
      } else {
        detected++;
        // Earliest detection has the largest weight: the sigmoid falls towards the right edge.
        double weight = rows.weights[firstDetection];
        windowScore += weight;
        outcomes.add(
            new WindowOutcome(
                window.first(),
                window.last(),
                startMs,
                endMs,
                true,
                OptionalInt.of(firstDetection),
                OptionalLong.of(series.timestampsMs[firstDetection]),
                weight));
      }
    }
    Counts counts =
        new Counts(
            scorable,
            detected,
            scorable - detected,
            inProbation,
            falsePositives,
            truePositiveRows,
            falseNegativeRows,
            trueNegatives);
    return new SeriesScore(
        series.name, n, Math.min(n, rows.probation), fpScore + windowScore, counts, outcomes);
  }

  private static double sum(double fpScore, double[] parts, int[] partOrder, int count) {
    double total = fpScore;
    for (int p = 0; p < count; p++) {
      total += parts[partOrder[p]];
    }
    return total;
  }

  private static void checkNames(List<Series> corpus) {
    Set<String> names = new HashSet<>();
    for (Series series : corpus) {
      if (!names.add(series.name())) {
        throw new IllegalArgumentException(
            String.format("series %s appears twice in the corpus", series.name()));
      }
    }
  }

  /**
   * Per-row NAB sweep weights of one series for one profile ({@code Sweeper.calcSweepScore}): the
   * value a detection on that row would contribute, and the window (local index) holding the row.
   */
  private static final class RowWeights {
    final int probation;
    final double[] weights;
    final int[] windowOf;

    private RowWeights(int probation, double[] weights, int[] windowOf) {
      this.probation = probation;
      this.weights = weights;
      this.windowOf = windowOf;
    }

    static RowWeights of(Series series, NabProfile profile) {
      int n = series.size();
      double maxTp = scaledSigmoid(-1.0);
      double[] weights = new double[n];
      int[] windowOf = new int[n];
      Arrays.fill(windowOf, -1);
      IndexWindow previous = null;
      int next = 0;
      for (int i = 0; i < n; i++) {
        IndexWindow current = next < series.windows.size() ? series.windows.get(next) : null;
        if (current != null && current.contains(i)) {
          double position = -(double) (current.last() - i + 1) / current.width();
          weights[i] = scaledSigmoid(position) * profile.tpWeight() / maxTp;
          windowOf[i] = next;
          if (i == current.last()) {
            previous = current;
            next++;
          }
        } else if (previous == null) {
          // No preceding window: as if infinitely far from one.
          weights[i] = -1.0 * profile.fpWeight();
        } else {
          // A one-row window divides by zero: +infinity, i.e. "far", S = -1.
          double position = (double) (i - previous.last()) / (previous.width() - 1);
          weights[i] = scaledSigmoid(position) * profile.fpWeight();
        }
      }
      return new RowWeights(Math.min(n, probationaryLength(n)), weights, windowOf);
    }
  }
}
