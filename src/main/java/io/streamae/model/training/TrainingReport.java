package io.streamae.model.training;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.ModelKind;
import io.streamae.model.io.ModelMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML training report: the bundle's metadata, loss curves per epoch, the
 * histogram of held-out window errors with the calibrated threshold, the mean error of each feature
 * and one held-out window (the one of median error) with its reconstruction and prediction, drawn
 * as inline SVG with labelled axes (no scripts, no external files).
 *
 * <p>Every error and loss is the same unit: mean squared error per value in z-score units (the
 * features normalised by the bundle's mean and standard deviation), so the loss curves, the
 * histogram and the threshold can be read against each other. The example window is in the
 * features' own units.
 */
public final class TrainingReport {
  private static final int W = 680;
  private static final int H = 280;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 20;
  private static final int BOTTOM = 50;
  private static final String ERROR_UNIT = "mean squared error per value (z-score units)";

  private TrainingReport() {}

  public static void write(TrainingRunner.Outcome outcome, Path file) throws IOException {
    Files.writeString(file, html(outcome), StandardCharsets.UTF_8);
  }

  public static String html(TrainingRunner.Outcome outcome) {
    ModelMetadata m = outcome.bundle().metadata();
    List<EpochStats> history = outcome.training().history();
    StringBuilder sb = new StringBuilder();
    sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>StreamAE training report ")
        .append(escape(m.modelId()))
        .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:800px}")
        .append(
            "td,th{padding:2px 8px;text-align:left}svg{background:#fafafa;border:1px solid #ddd}</style></head><body>");
    sb.append("<h1>Training report: ")
        .append(escape(m.modelId()))
        .append(' ')
        .append(escape(m.modelVersion()))
        .append("</h1>");
    sb.append("<p>All errors and losses below are the ")
        .append(ERROR_UNIT)
        .append(": the features are normalised with the bundle's mean and standard deviation.</p>");
    sb.append("<table>");
    row(sb, "architecture", architecture(m.architecture()));
    row(sb, "features", String.join(", ", m.featureNames()));
    row(sb, "data", m.training().dataSource() + " (sha256 " + m.training().dataSha256() + ")");
    row(
        sb,
        "windows",
        m.training().trainingWindows()
            + " training, "
            + m.training().validationWindows()
            + " held out");
    row(sb, "epochs", m.training().epochs() + " run, best " + m.training().bestEpoch());
    row(
        sb,
        "final loss",
        fmt(m.training().finalTrainLoss())
            + " training, "
            + fmt(m.training().finalValidationLoss())
            + " validation (both heads, weighted)");
    ModelMetadata.ErrorSummary v = m.calibration().validation();
    row(
        sb,
        "held-out " + m.calibration().errorKind() + " error",
        "median "
            + fmt(v.p50())
            + ", p99 "
            + fmt(v.p99())
            + ", max "
            + fmt(v.max())
            + " over "
            + v.count()
            + " windows");
    row(
        sb,
        "threshold",
        fmt(m.calibration().threshold())
            + " ("
            + (m.calibration().method().equals("percentile")
                ? "percentile " + m.calibration().parameter()
                : "mean + " + m.calibration().parameter() + " σ")
            + " of the held-out "
            + m.calibration().errorKind()
            + " error)");
    sb.append("</table>");

    sb.append("<h2>Loss per epoch</h2>");
    double[] train = history.stream().mapToDouble(EpochStats::trainLoss).toArray();
    double[] val = history.stream().mapToDouble(EpochStats::validationLoss).toArray();
    sb.append(lossChart(train, val));
    sb.append(
        "<p><span style=\"color:#1f77b4\">■ training</span> · <span style=\"color:#ff7f0e\">■ validation</span>;"
            + " vertical axis on a log scale.</p>");

    sb.append("<h2>Held-out window errors</h2>");
    sb.append(
        histogram(
            outcome.validationErrors(), m.calibration().threshold(), m.calibration().errorKind()));
    sb.append("<p>Red line: the calibrated threshold, ")
        .append(fmt(m.calibration().threshold()))
        .append(
            ". A window whose error exceeds it is above the bundle's threshold;"
                + " the job's <code>anomalous</code> flag is the per-sensor likelihood of its errors.</p>");

    TrainingRunner.Diagnostics d = outcome.diagnostics();
    if (d != null) {
      sb.append(
          "<h2>Error per feature</h2><table><tr><th>feature</th><th>mean held-out reconstruction error</th></tr>");
      for (int f = 0; f < m.featureNames().size(); f++) {
        sb.append("<tr><td>")
            .append(escape(m.featureNames().get(f)))
            .append("</td><td>")
            .append(fmt(d.featureErrors()[f]))
            .append("</td></tr>");
      }
      sb.append("</table>");
      if (d.example() != null) {
        TrainingRunner.Example ex = d.example();
        sb.append("<h2>Example: the held-out window of median error (")
            .append(fmt(ex.error()))
            .append(")</h2>");
        sb.append(
            "<p>Black: the window's readings; blue: the reconstruction; red: the predicted next reading(s),"
                + " grey: what then arrived. Features in their own units.</p>");
        for (int f = 0; f < m.featureNames().size(); f++) {
          sb.append("<h3>").append(escape(m.featureNames().get(f))).append("</h3>");
          sb.append(exampleChart(ex, f, m.featureNames().size(), m.featureNames().get(f)));
        }
      }
    }
    sb.append("</body></html>");
    return sb.toString();
  }

  /** "composite LSTM autoencoder (tanh): windows of 32 readings × 3 features → LSTM 64 → …". */
  static String architecture(AutoencoderSpec s) {
    StringBuilder sb = new StringBuilder();
    sb.append(s.mode().name().toLowerCase(Locale.ROOT))
        .append(' ')
        .append(s.kind() == ModelKind.LSTM ? "LSTM" : "dense")
        .append(" autoencoder (")
        .append(s.activation().name().toLowerCase(Locale.ROOT))
        .append(s.tiedWeights() ? ", tied weights" : "")
        .append("): windows of ")
        .append(s.timesteps())
        .append(" readings × ")
        .append(s.features())
        .append(s.features() == 1 ? " feature" : " features")
        .append(" → encoder ");
    List<String> sizes = new ArrayList<>();
    s.layers().forEach(l -> sizes.add(String.valueOf(l)));
    sb.append(String.join(" → ", sizes)).append(" units");
    List<String> heads = new ArrayList<>();
    if (s.mode().reconstructs()) {
      heads.add("reconstruction of the window");
    }
    if (s.mode().predicts()) {
      heads.add(
          "prediction of the next "
              + (s.predictedSteps() == 1 ? "reading" : s.predictedSteps() + " readings"));
    }
    return sb.append(" → ").append(String.join(" + ", heads)).toString();
  }

  private static String lossChart(double[] a, double[] b) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] s : new double[][] {a, b}) {
      for (double v : s) {
        if (v > 0 && Double.isFinite(v)) {
          lo = Math.min(lo, Math.log10(v));
          hi = Math.max(hi, Math.log10(v));
        }
      }
    }
    if (!Double.isFinite(lo)) {
      return "<p>no loss values</p>";
    }
    if (hi - lo < 1e-9) {
      hi = lo + 1;
    }
    StringBuilder sb = new StringBuilder(svgOpen());
    axes(sb, "epoch", "loss (" + "MSE per value, log scale" + ")");
    double plo = lo;
    double phi = hi;
    sb.append(polyline(a, v -> (Math.log10(v) - plo) / (phi - plo), "#1f77b4"));
    sb.append(polyline(b, v -> (Math.log10(v) - plo) / (phi - plo), "#ff7f0e"));
    sb.append(yTick(1.0, fmt(Math.pow(10, hi)))).append(yTick(0.0, fmt(Math.pow(10, lo))));
    sb.append(xTick(0.0, "1")).append(xTick(1.0, String.valueOf(a.length)));
    return sb.append("</svg>").toString();
  }

  private static String histogram(double[] errors, double threshold, String kind) {
    if (errors.length == 0) {
      return "<p>no held-out windows</p>";
    }
    double max = threshold;
    for (double e : errors) {
      max = Math.max(max, e);
    }
    max *= 1.05;
    int bins = 40;
    int[] counts = new int[bins];
    for (double e : errors) {
      counts[Math.min(bins - 1, (int) (e / max * bins))]++;
    }
    int top = 1;
    for (int c : counts) {
      top = Math.max(top, c);
    }
    StringBuilder sb = new StringBuilder(svgOpen());
    axes(sb, kind + " error of the window (" + ERROR_UNIT + ")", "windows");
    double plotW = W - LEFT - RIGHT;
    double plotH = H - TOP - BOTTOM;
    double bw = plotW / bins;
    for (int i = 0; i < bins; i++) {
      double h = (double) counts[i] / top * plotH;
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f77b4\"/>",
              LEFT + i * bw,
              H - BOTTOM - h,
              Math.max(0.5, bw - 1),
              h));
    }
    double tx = LEFT + threshold / max * plotW;
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"red\" stroke-width=\"2\"/>",
            tx,
            TOP,
            tx,
            H - BOTTOM));
    boolean labelLeft = tx > W - RIGHT - 140; // keep the label inside the chart
    sb.append(
        text(
            labelLeft ? tx - 4 : tx + 4,
            TOP + 12,
            "threshold " + fmt(threshold),
            labelLeft ? "end" : "start",
            "red"));
    for (double tick : niceTicks(max)) {
      sb.append(xTick(tick / max, fmt(tick)));
    }
    sb.append(yTick(0.0, "0")).append(yTick(1.0, String.valueOf(top)));
    return sb.append("</svg>").toString();
  }

  private static String exampleChart(TrainingRunner.Example ex, int f, int features, String name) {
    int steps = ex.timesteps();
    int horizon = ex.horizon();
    int total = steps + horizon;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (float[] series :
        new float[][] {ex.input(), ex.reconstruction(), ex.prediction(), ex.actual()}) {
      for (int i = f; i < series.length; i += features) {
        lo = Math.min(lo, series[i]);
        hi = Math.max(hi, series[i]);
      }
    }
    if (hi - lo < 1e-9) {
      hi = lo + 1;
    }
    double plo = lo;
    double phi = hi;
    StringBuilder sb = new StringBuilder(svgOpen());
    axes(sb, "reading of the window (1 … " + steps + "), then predicted", name);
    sb.append(series(ex.input(), f, features, 0, total, plo, phi, "#000", false));
    if (ex.reconstruction().length > 0) {
      sb.append(series(ex.reconstruction(), f, features, 0, total, plo, phi, "#1f77b4", false));
    }
    if (horizon > 0) {
      sb.append(series(ex.actual(), f, features, steps, total, plo, phi, "#999", true));
      sb.append(series(ex.prediction(), f, features, steps, total, plo, phi, "red", true));
    }
    sb.append(yTick(0.0, fmt(lo))).append(yTick(1.0, fmt(hi)));
    sb.append(xTick(0.0, "1"))
        .append(xTick((steps - 1.0) / Math.max(1, total - 1), String.valueOf(steps)));
    return sb.append("</svg>").toString();
  }

  private static String series(
      float[] values,
      int f,
      int features,
      int offset,
      int total,
      double lo,
      double hi,
      String color,
      boolean dots) {
    StringBuilder sb = new StringBuilder();
    StringBuilder pts = new StringBuilder();
    int n = values.length / features;
    for (int i = 0; i < n; i++) {
      double x = LEFT + (offset + i) / (double) Math.max(1, total - 1) * (W - LEFT - RIGHT);
      double y = H - BOTTOM - (values[i * features + f] - lo) / (hi - lo) * (H - TOP - BOTTOM);
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      if (dots) {
        sb.append(
            String.format(
                Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", x, y, color));
      }
    }
    if (!dots) {
      sb.append("<polyline fill=\"none\" stroke=\"")
          .append(color)
          .append("\" stroke-width=\"2\" points=\"")
          .append(pts)
          .append("\"/>");
    }
    return sb.toString();
  }

  private interface Scale {
    double at(double v);
  }

  private static String polyline(double[] values, Scale scale, String color) {
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!(v > 0) || !Double.isFinite(v)) {
        continue;
      }
      double x =
          LEFT + (values.length == 1 ? 0 : (double) i / (values.length - 1)) * (W - LEFT - RIGHT);
      double y = H - BOTTOM - scale.at(v) * (H - TOP - BOTTOM);
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    return "<polyline fill=\"none\" stroke=\""
        + color
        + "\" stroke-width=\"2\" points=\""
        + pts
        + "\"/>";
  }

  /** Up to five round values in (0, max]. */
  static List<Double> niceTicks(double max) {
    double raw = max / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude;
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * magnitude >= raw) {
        step = m * magnitude;
        break;
      }
    }
    List<Double> ticks = new ArrayList<>();
    ticks.add(0.0);
    for (double t = step; t <= max * (1 + 1e-9); t += step) {
      ticks.add(t);
    }
    return ticks;
  }

  private static void axes(StringBuilder sb, String xTitle, String yTitle) {
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>",
            LEFT,
            H - BOTTOM,
            W - RIGHT,
            H - BOTTOM));
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>",
            LEFT,
            TOP,
            LEFT,
            H - BOTTOM));
    sb.append(text(LEFT + (W - LEFT - RIGHT) / 2.0, H - 8, xTitle, "middle", "#000"));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.0f)\">%s</text>",
            TOP + (H - TOP - BOTTOM) / 2.0,
            TOP + (H - TOP - BOTTOM) / 2.0,
            escape(yTitle)));
  }

  private static String xTick(double fraction, String label) {
    double x = LEFT + fraction * (W - LEFT - RIGHT);
    return String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>",
            x,
            H - BOTTOM,
            x,
            H - BOTTOM + 4)
        + text(x, H - BOTTOM + 16, label, "middle", "#000");
  }

  private static String yTick(double fraction, String label) {
    double y = H - BOTTOM - fraction * (H - TOP - BOTTOM);
    return String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444\"/>",
            LEFT - 4,
            y,
            LEFT,
            y)
        + text(LEFT - 6, y + 4, label, "end", "#000");
  }

  private static String svgOpen() {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H + "\">";
  }

  private static String text(double x, double y, String s, String anchor, String color) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"%s\" fill=\"%s\">%s</text>",
        x,
        y,
        anchor,
        color,
        escape(s));
  }

  private static void row(StringBuilder sb, String k, String v) {
    sb.append("<tr><td><b>")
        .append(escape(k))
        .append("</b></td><td>")
        .append(escape(v))
        .append("</td></tr>");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static String escape(String s) {
    return s == null
        ? ""
        : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
