package io.streamae.evaluation;

import io.streamae.scoring.AnomalyLikelihood;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What an evaluation found: NAB profile scores overall and per category, window detections, false
 * alarms, lead times and row-level alarm metrics.
 *
 * <p>Input: the per-series runs of {@link NabEvaluation} and the labels. Output: this record and
 * its {@link #format()} text, which the {@code evaluate} command prints. NAB scores use each
 * profile's threshold optimised over the whole corpus (as NAB does); a category's score is its
 * series' raw scores at that threshold, normalised by the category's own null and perfect scores
 * (undefined for a category without windows, e.g. {@code artificialNoAnomaly}). Row metrics judge
 * the job's own decision ({@code anomalous}) against the row labels, all rows of all labelled
 * series.
 *
 * @param nab NAB scores, or null when no series has labels
 * @param categories per category, per profile, in {@link NabProfile} order
 * @param rows row-level confusion counts, or null when no series has labels
 */
public record EvaluationReport(
    String detector,
    List<NabEvaluation.SeriesRun> runs,
    NabScorer.Result nab,
    Map<String, List<CategoryScore>> categories,
    RowMetrics rows,
    double seconds) {

  /**
   * One profile's score over a category's series.
   *
   * @param normalisedScore NaN when the category has no scorable window
   */
  public record CategoryScore(
      NabProfile profile, double rawScore, double normalisedScore, NabScorer.Counts counts) {}

  /** Row-level confusion counts of the job's decisions against row labels. */
  public record RowMetrics(
      long truePositives, long falsePositives, long falseNegatives, long trueNegatives) {
    public double precision() {
      return ratio(truePositives, truePositives + falsePositives);
    }

    public double recall() {
      return ratio(truePositives, truePositives + falseNegatives);
    }

    public double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 || Double.isNaN(p) || Double.isNaN(r) ? 0 : 2 * p * r / (p + r);
    }

    /** False alarms among rows labelled normal. */
    public double falseAlarmRate() {
      return ratio(falsePositives, falsePositives + trueNegatives);
    }

    /** Missed rows among rows labelled anomalous. */
    public double missedAlarmRate() {
      return ratio(falseNegatives, falseNegatives + truePositives);
    }

    private static double ratio(long a, long b) {
      return b == 0 ? Double.NaN : (double) a / b;
    }
  }

  /** Scores the runs: NAB per profile and category, row metrics. */
  public static EvaluationReport of(
      String detector, List<NabEvaluation.SeriesRun> runs, NabLabels labels, double seconds) {
    List<NabScorer.Series> corpus = new ArrayList<>();
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long tn = 0;
    boolean anyLabels = false;
    for (NabEvaluation.SeriesRun run : runs) {
      EvaluationSeries s = run.series();
      List<NabLabels.Window> windows = labels == null ? null : labels.windows(s.name());
      int[] rowLabels = EvaluationResultsWriter.rowLabels(s, windows);
      if (rowLabels == null) {
        continue;
      }
      anyLabels = true;
      List<NabScorer.IndexWindow> index =
          windows != null && s.rowLabels() == null
              ? NabScorer.toIndexWindows(s.name(), s.timestampsMs(), windows)
              : runs(rowLabels);
      corpus.add(new NabScorer.Series(s.name(), s.timestampsMs(), run.scores(), index));
      for (int i = 0; i < rowLabels.length; i++) {
        boolean alarm = run.alarms()[i];
        if (rowLabels[i] == 1) {
          tp += alarm ? 1 : 0;
          fn += alarm ? 0 : 1;
        } else {
          fp += alarm ? 1 : 0;
          tn += alarm ? 0 : 1;
        }
      }
    }
    if (!anyLabels) {
      return new EvaluationReport(detector, List.copyOf(runs), null, Map.of(), null, seconds);
    }
    if (labels == null) {
      // Row labels from label columns: the row-level metrics are the benchmark's own; NAB's
      // window scores would be a metric of another benchmark.
      return new EvaluationReport(
          detector, List.copyOf(runs), null, Map.of(), new RowMetrics(tp, fp, fn, tn), seconds);
    }
    NabScorer.Result nab = NabScorer.score(corpus);
    Map<String, List<CategoryScore>> categories = new LinkedHashMap<>();
    Map<String, String> categoryOf = new LinkedHashMap<>();
    for (NabEvaluation.SeriesRun run : runs) {
      categoryOf.put(run.series().name(), run.series().category());
    }
    for (String category : new java.util.TreeSet<>(categoryOf.values())) {
      List<CategoryScore> scores = new ArrayList<>();
      for (NabScorer.ProfileScore p : nab.profiles()) {
        double raw = 0;
        NabScorer.Counts counts = NabScorer.Counts.ZERO;
        for (NabScorer.SeriesScore s : p.series()) {
          if (category.equals(categoryOf.get(s.name()))) {
            raw += s.rawScore();
            counts = counts.plus(s.counts());
          }
        }
        int windows = counts.windows();
        double nullScore = -p.profile().fnWeight() * windows;
        double perfect = p.profile().tpWeight() * windows;
        scores.add(
            new CategoryScore(
                p.profile(), raw, NabScorer.normalise(raw, nullScore, perfect), counts));
      }
      categories.put(category, List.copyOf(scores));
    }
    return new EvaluationReport(
        detector, List.copyOf(runs), nab, categories, new RowMetrics(tp, fp, fn, tn), seconds);
  }

  /** Maximal runs of label 1 as windows. */
  static List<NabScorer.IndexWindow> runs(int[] labels) {
    List<NabScorer.IndexWindow> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= labels.length; i++) {
      boolean on = i < labels.length && labels[i] == 1;
      if (on && start < 0) {
        start = i;
      } else if (!on && start >= 0) {
        out.add(new NabScorer.IndexWindow(start, i - 1));
        start = -1;
      }
    }
    return out;
  }

  /** The summary the {@code evaluate} command prints. */
  public String format() {
    StringBuilder out = new StringBuilder();
    long rowsTotal = runs.stream().mapToLong(r -> r.series().rows()).sum();
    out.append(
        String.format(
            Locale.ROOT,
            "%n%s: %d series, %,d rows in %.1f s%n",
            detector,
            runs.size(),
            rowsTotal,
            seconds));
    if (nab == null && rows == null) {
      out.append("no labels: results written, nothing to score\n");
      return out.toString();
    }
    if (nab == null) {
      out.append(episodes());
      out.append(rowMetrics());
      return out.toString();
    }
    out.append(
        String.format(
            Locale.ROOT, "%nNAB scores (threshold optimised per profile over" + " the corpus)%n"));
    out.append(
        String.format(Locale.ROOT, "%-34s %9s %9s %9s%n", "", "standard", "low_FP", "low_FN"));
    out.append(line("overall", nab.profiles().stream().map(p -> p.normalisedScore()).toList()));
    for (Map.Entry<String, List<CategoryScore>> e : categories.entrySet()) {
      out.append(
          line(e.getKey(), e.getValue().stream().map(CategoryScore::normalisedScore).toList()));
    }
    for (NabScorer.ProfileScore p : nab.profiles()) {
      NabScorer.Counts c = p.counts();
      OptionalDouble lead = p.meanLeadTimeMs();
      out.append(
          String.format(
              Locale.ROOT,
              "%n%-19s threshold %.4f (tail p %.1e): windows detected %d of %d, missed %d;"
                  + " false alarms %d rows; mean lead time %s",
              p.profile().nabName(),
              p.threshold(),
              AnomalyLikelihood.tailOfScore(p.threshold()),
              c.windowsDetected(),
              c.windows(),
              c.windowsMissed(),
              c.falsePositives(),
              lead.isPresent() ? duration(lead.getAsDouble()) : "-"));
    }
    out.append(String.format(Locale.ROOT, "%n%nper category at the standard threshold:%n"));
    for (Map.Entry<String, List<CategoryScore>> e : categories.entrySet()) {
      NabScorer.Counts c = e.getValue().get(0).counts();
      out.append(
          String.format(
              Locale.ROOT,
              "  %-32s windows %d/%d detected, false alarms %d rows%n",
              e.getKey(),
              c.windowsDetected(),
              c.windows(),
              c.falsePositives()));
    }
    NabScorer.ProfileScore standard = nab.profile(NabProfile.STANDARD);
    out.append(
        String.format(
            Locale.ROOT,
            "%nper series at the standard threshold" + " (trained on / unscored rows):%n"));
    Map<String, NabEvaluation.SeriesRun> byName = new LinkedHashMap<>();
    runs.forEach(r -> byName.put(r.series().name(), r));
    for (NabScorer.SeriesScore s : standard.series()) {
      NabEvaluation.SeriesRun run = byName.get(s.name());
      StringBuilder w = new StringBuilder();
      for (NabScorer.WindowOutcome o : s.windows()) {
        w.append(
            o.detected()
                ? String.format(
                    Locale.ROOT, " [hit, %s ahead]", duration(o.leadTimeMs().getAsLong()))
                : o.scorable() ? " [missed]" : " [in probation]");
      }
      out.append(
          String.format(
              Locale.ROOT,
              "  %-56s %4d/%3d  FP %4d%s%n",
              s.name(),
              run.trainingRows(),
              run.unscoredRows(),
              s.counts().falsePositives(),
              w));
    }
    out.append(rowMetrics());
    return out.toString();
  }

  private String rowMetrics() {
    return String.format(
        Locale.ROOT,
        "%nrow-level alarms (the job's anomalous flag, all labelled rows):%n"
            + "  precision %.3f  recall %.3f  F1 %.3f  false-alarm rate %.4f"
            + "  missed-alarm rate %.3f  (TP %d FP %d FN %d TN %d)%n",
        rows.precision(),
        rows.recall(),
        rows.f1(),
        rows.falseAlarmRate(),
        rows.missedAlarmRate(),
        rows.truePositives(),
        rows.falsePositives(),
        rows.falseNegatives(),
        rows.trueNegatives());
  }

  /**
   * Labelled episodes (runs of label 1) per series: how many the alarm caught, after how many rows,
   * and which share of each episode's rows it covered.
   */
  private String episodes() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT, "%nlabelled episodes (runs of label 1) and the job's alarms:%n"));
    int total = 0;
    int caught = 0;
    List<Integer> delays = new ArrayList<>();
    for (NabEvaluation.SeriesRun run : runs) {
      int[] labels = run.series().rowLabels();
      if (labels == null) {
        continue;
      }
      StringBuilder line = new StringBuilder();
      for (NabScorer.IndexWindow w : runs(labels)) {
        total++;
        int first = -1;
        int covered = 0;
        for (int i = w.first(); i <= w.last(); i++) {
          if (run.alarms()[i]) {
            covered++;
            first = first < 0 ? i : first;
          }
        }
        if (first >= 0) {
          caught++;
          delays.add(first - w.first());
          line.append(
              String.format(
                  Locale.ROOT,
                  " [%d rows: +%d, %.0f%%]",
                  w.width(),
                  first - w.first(),
                  100.0 * covered / w.width()));
        } else {
          line.append(String.format(Locale.ROOT, " [%d rows: missed]", w.width()));
        }
      }
      out.append(String.format(Locale.ROOT, "  %-32s%s%n", run.series().name(), line));
    }
    delays.sort(null);
    out.append(
        String.format(
            Locale.ROOT,
            "  caught %d of %d episodes; median delay %s rows (alarm start after onset, per episode:"
                + " rows, delay, share of rows alarmed)%n",
            caught,
            total,
            delays.isEmpty() ? "-" : delays.get(delays.size() / 2)));
    return out.toString();
  }

  private static String line(String name, List<Double> scores) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-34s", name));
    for (double s : scores) {
      sb.append(
          Double.isNaN(s)
              ? String.format(Locale.ROOT, " %9s", "n/a")
              : String.format(Locale.ROOT, " %9.1f", s));
    }
    return sb.append('\n').toString();
  }

  static String duration(double millis) {
    double minutes = Math.abs(millis) / 60_000;
    String sign = millis < 0 ? "-" : "";
    if (minutes < 120) {
      return String.format(Locale.ROOT, "%s%.0f min", sign, minutes);
    }
    if (minutes < 48 * 60) {
      return String.format(Locale.ROOT, "%s%.1f h", sign, minutes / 60);
    }
    return String.format(Locale.ROOT, "%s%.1f days", sign, minutes / 1440);
  }
}
