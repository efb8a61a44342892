package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.model.io.ModelBundle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → bundle → load → score, from the command line, on a CSV with a planted fault. */
class TrainAndScoreCommandTest {
  @TempDir Path dir;

  @Test
  void trainThenScoreACsvFromTheCommandLine() throws Exception {
    Path train = dir.resolve("train.csv");
    Path test = dir.resolve("test.csv");
    writeCsv(train, 0, 600, false);
    writeCsv(test, 600, 200, true);
    Files.writeString(train, Files.readString(train) + "2026-01-02 00:00:00,pump-1,oops,1\n");

    String trainOut =
        run(
            "train",
            "--input",
            train.toString(),
            "--output",
            dir.resolve("m.sae").toString(),
            "--timesteps",
            "12",
            "--layers",
            "12",
            "--epochs",
            "12",
            "--learning-rate",
            "0.01",
            "--model-id",
            "pumps",
            "--model-version",
            "7");
    assertThat(trainOut)
        .contains("1 bad rows")
        .contains("line 602")
        .contains("model pumps:7 written");
    ModelBundle bundle = ModelBundle.read(dir.resolve("m.sae"));
    assertThat(bundle.layout().featureNames()).containsExactly("temp", "current");
    String report = Files.readString(dir.resolve("m.sae.report.html"));
    assertThat(report).contains("<svg").contains("pumps");
    // one unit everywhere, labelled axes, a readable architecture, per-feature errors, an example
    assertThat(report)
        .contains("mean squared error per value (z-score units)")
        .contains(">epoch<")
        .contains(">windows<")
        .contains(String.format(Locale.ROOT, "threshold %.4g", bundle.threshold()))
        .contains(
            "composite LSTM autoencoder (tanh): windows of 12 readings × 2 features → encoder 12 units")
        .doesNotContain("AutoencoderSpec[")
        .contains("Error per feature")
        .contains("<td>temp</td>")
        .contains("<td>current</td>")
        .contains("Example: the held-out window of median error");
    assertThat(trainOut)
        .contains("reconstruction error (mean squared, in z-score units) per window over")
        .contains(
            String.format(
                Locale.ROOT, "threshold %.5f: percentile 99.5 of that error", bundle.threshold()))
        .contains("(mean squared error per value, both heads weighted, same units)")
        .containsPattern(
            "mean held-out error per feature: temp \\d\\.\\d{5}, current \\d\\.\\d{5}");

    Path results = dir.resolve("results.jsonl");
    // the job's calibration: a short warm-up, as this file has only 189 windows
    String scoreOut =
        run(
            "score",
            "--model",
            dir.resolve("m.sae").toString(),
            "--input",
            test.toString(),
            "--output",
            results.toString(),
            "--scoring.warmup-windows",
            "40");
    assertThat(scoreOut).contains("189 windows scored");
    List<String> lines = Files.readAllLines(results);
    assertThat(lines).hasSize(189);
    ObjectMapper json = new ObjectMapper();
    long faultStart = ts(700);
    long faultEnd = ts(720);
    int flaggedInFault = 0;
    int flaggedBefore = 0;
    for (String line : lines) {
      JsonNode r = json.readTree(line);
      long end = r.get("windowEnd").asLong();
      if (r.get("anomalous").asBoolean()) {
        if (end >= faultStart && end < faultEnd) {
          flaggedInFault++;
        } else if (end < faultStart) {
          flaggedBefore++;
        }
      }
    }
    assertThat(flaggedInFault).as("windows flagged during the fault").isGreaterThanOrEqualTo(15);
    assertThat(flaggedBefore).as("false alarms before the fault").isLessThanOrEqualTo(3);
  }

  @Test
  void badInputGivesAnErrorExitNotAStackTrace() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          StreamAeMain.execute(
              "score", "--model", dir.resolve("absent.sae").toString(), "--input", "x.csv");
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(StreamAeMain.EXIT_USAGE);
  }

  private static long ts(int step) {
    return 1_767_225_600_000L + step * 60_000L;
  }

  private static void writeCsv(Path file, int from, int rows, boolean fault) throws Exception {
    StringBuilder sb = new StringBuilder("timestamp,sensorId,temp,current\n");
    for (int i = from; i < from + rows; i++) {
      double phase = 2 * Math.PI * i / 24.0;
      double temp = 50 + 5 * Math.sin(phase) + (fault && i >= 700 && i < 720 ? 8 : 0);
      double current = 10 + 2 * Math.cos(phase);
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,pump-1,%.4f,%.4f%n",
              java.time.Instant.ofEpochMilli(ts(i)).toString().replace("T", " ").replace("Z", ""),
              temp,
              current));
    }
    Files.writeString(file, sb.toString());
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(StreamAeMain.execute(args)).as("exit code of %s", String.join(" ", args)).isZero();
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
