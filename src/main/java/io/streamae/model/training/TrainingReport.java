package io.streamae.model.training;

import io.streamae.model.io.ModelMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML training report: loss curves per epoch and the histogram of held-out
 * window errors with the calibrated threshold, drawn as inline SVG (no scripts, no external
 * files), plus the bundle's metadata.
 */
public final class TrainingReport {
  private static final int W = 640;
  private static final int H = 260;
  private static final int PAD = 40;

  private TrainingReport() {}

  public static void write(TrainingRunner.Outcome outcome, Path file) throws IOException {
    Files.writeString(file, html(outcome), StandardCharsets.UTF_8);
  }

  public static String html(TrainingRunner.Outcome outcome) {
    ModelMetadata m = outcome.bundle().metadata();
    List<EpochStats> history = outcome.training().history();
    StringBuilder sb = new StringBuilder();
    sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>StreamAE training report ")
        .append(escape(m.modelId())).append("</title><style>body{font-family:sans-serif;margin:2em;max-width:760px}")
        .append("td{padding:2px 8px}svg{background:#fafafa;border:1px solid #ddd}</style></head><body>");
    sb.append("<h1>Training report: ").append(escape(m.modelId())).append(' ').append(escape(m.modelVersion())).append("</h1>");
    sb.append("<table>");
    row(sb, "architecture", m.architecture().toString());
    row(sb, "features", String.join(", ", m.featureNames()));
    row(sb, "data", m.training().dataSource() + " (sha256 " + m.training().dataSha256() + ")");
    row(sb, "windows", m.training().trainingWindows() + " training, " + m.training().validationWindows() + " held out");
    row(sb, "epochs", m.training().epochs() + " run, best " + m.training().bestEpoch());
    row(sb, "final loss", fmt(m.training().finalTrainLoss()) + " training, " + fmt(m.training().finalValidationLoss()) + " validation");
    row(sb, "threshold", fmt(m.calibration().threshold()) + " (" + m.calibration().method() + " " + m.calibration().parameter() + ")");
    sb.append("</table>");

    sb.append("<h2>Loss per epoch</h2>");
    double[] train = history.stream().mapToDouble(EpochStats::trainLoss).toArray();
    double[] val = history.stream().mapToDouble(EpochStats::validationLoss).toArray();
    sb.append(lines(train, val));
    sb.append("<p><span style=\"color:#1f77b4\">training</span> · <span style=\"color:#ff7f0e\">validation</span> (log scale)</p>");

    sb.append("<h2>Held-out window errors</h2>");
    sb.append(histogram(outcome.validationErrors(), m.calibration().threshold()));
    sb.append("<p>Red line: calibrated threshold.</p></body></html>");
    return sb.toString();
  }

  private static String lines(double[] a, double[] b) {
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
    sb.append(polyline(a, lo, hi, "#1f77b4")).append(polyline(b, lo, hi, "#ff7f0e"));
    sb.append(text(4, PAD, String.format(Locale.ROOT, "%.2g", Math.pow(10, hi))));
    sb.append(text(4, H - PAD, String.format(Locale.ROOT, "%.2g", Math.pow(10, lo))));
    sb.append(text(W - PAD - 40, H - 10, a.length + " epochs"));
    return sb.append("</svg>").toString();
  }

  private static String polyline(double[] values, double lo, double hi, String color) {
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!(v > 0) || !Double.isFinite(v)) {
        continue;
      }
      double x = PAD + (values.length == 1 ? 0 : (double) i / (values.length - 1)) * (W - 2 * PAD);
      double y = H - PAD - (Math.log10(v) - lo) / (hi - lo) * (H - 2 * PAD);
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    return "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\" points=\"" + pts + "\"/>";
  }

  private static String histogram(double[] errors, double threshold) {
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
    double bw = (W - 2.0 * PAD) / bins;
    for (int i = 0; i < bins; i++) {
      double h = (double) counts[i] / top * (H - 2 * PAD);
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1f77b4\"/>",
          PAD + i * bw, H - PAD - h, bw - 1, h));
    }
    double tx = PAD + threshold / max * (W - 2 * PAD);
    sb.append(String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"red\" stroke-width=\"2\"/>",
        tx, PAD, tx, H - PAD));
    sb.append(text(PAD, H - 10, "0")).append(text(W - PAD - 60, H - 10, String.format(Locale.ROOT, "%.3g", max)));
    sb.append(text(4, PAD, String.valueOf(top)));
    return sb.append("</svg>").toString();
  }

  private static String svgOpen() {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H + "\">";
  }

  private static String text(double x, double y, String s) {
    return String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s</text>", x, y, escape(s));
  }

  private static void row(StringBuilder sb, String k, String v) {
    sb.append("<tr><td><b>").append(escape(k)).append("</b></td><td>").append(escape(v)).append("</td></tr>");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
