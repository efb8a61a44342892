package io.streamae.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Mean, spread and range of an evaluation's scores over several training seeds: a single seed's
 * score says little, so {@code evaluate --seeds} reports these.
 *
 * @param seeds the training seeds, in run order
 * @param reports one report per seed
 */
public record SeedSpread(List<Long> seeds, List<EvaluationReport> reports) {

  public SeedSpread {
    seeds = List.copyOf(seeds);
    reports = List.copyOf(reports);
    if (seeds.size() != reports.size() || seeds.isEmpty()) {
      throw new IllegalArgumentException(
          String.format("%s seeds for %s reports", seeds.size(), reports.size()));
    }
  }

  public static SeedSpread of(List<Long> seeds, List<EvaluationReport> reports) {
    return new SeedSpread(seeds, reports);
  }

  /** Mean, sample standard deviation, minimum and maximum of one score over the seeds. */
  public record Stats(double mean, double sd, double min, double max) {
    static Stats of(double[] values) {
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double v : values) {
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      double mean = sum / values.length;
      double ss = 0;
      for (double v : values) {
        ss += (v - mean) * (v - mean);
      }
      double sd = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
      return new Stats(mean, sd, min, max);
    }

    String format(String number) {
      return String.format(
          Locale.ROOT,
          number + " ± " + number + "  (" + number + " .. " + number + ")",
          mean,
          sd,
          min,
          max);
    }
  }

  /** The statistics of {@code score} over the seeds. */
  public Stats stats(ToDoubleFunction<EvaluationReport> score) {
    double[] values = new double[reports.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = score.applyAsDouble(reports.get(i));
    }
    return Stats.of(values);
  }

  /** The summary the {@code evaluate} command prints after the per-seed reports. */
  public String format() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT, "%nover %d training seeds %s (mean ± sd, range):%n", seeds.size(), seeds));
    EvaluationReport first = reports.get(0);
    if (first.nab() != null) {
      for (NabProfile profile : NabProfile.values()) {
        out.append(
            String.format(
                Locale.ROOT,
                "  NAB %-20s %s%n",
                profile.nabName(),
                stats(r -> r.nab().profile(profile).normalisedScore()).format("%.1f")));
      }
      List<String> categories = new ArrayList<>(first.categories().keySet());
      for (String category : categories) {
        Stats s = stats(r -> r.categories().get(category).get(0).normalisedScore());
        if (!Double.isNaN(s.mean())) {
          out.append(
              String.format(Locale.ROOT, "    standard, %-26s %s%n", category, s.format("%.1f")));
        }
      }
    }
    if (first.rows() != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "  row-level F1             %s%n",
              stats(r -> r.rows().f1()).format("%.3f")));
      out.append(
          String.format(
              Locale.ROOT,
              "  false-alarm rate         %s%n",
              stats(r -> r.rows().falseAlarmRate()).format("%.4f")));
      out.append(
          String.format(
              Locale.ROOT,
              "  missed-alarm rate        %s%n",
              stats(r -> r.rows().missedAlarmRate()).format("%.3f")));
    }
    return out.toString();
  }
}
