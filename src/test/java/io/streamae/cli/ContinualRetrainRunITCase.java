package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.model.io.ModelBundle;
import io.streamae.testkit.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --continual-retrain} on a history file whose sensor {@code pump-3} drifts to a new
 * temperature level: the local job watches its model, the retrainer beside it follows the results
 * file, fine-tunes version 2 and writes it over the watched model, and the job scores the rest of
 * the file with it. The file is replayed at a paced rate so the stream outlasts the retrain.
 */
class ContinualRetrainRunITCase {
  private static final int SENSORS = 4;
  private static final int STEPS = 1_600;
  private static final int DRIFT_FROM = 300;
  private static final int RAMP = 100;
  private static final double SHIFT = 8.0;

  @TempDir Path dir;

  @Test
  void runWithContinualRetrainSwapsToARetrainedVersionWhenASensorDrifts() throws Exception {
    ModelBundle v1 = TestModels.sineBundle(8, 8, 8, "test-sine", "1");
    Path model = dir.resolve("model.sae");
    v1.write(model);
    Path csv = dir.resolve("drift.csv");
    StringBuilder rows = new StringBuilder("timestamp,sensorId,temp,current\n");
    for (int step = 0; step < STEPS; step++) {
      for (int s = 0; s < SENSORS; s++) {
        float[] v = TestModels.sineValues(s, step);
        double temp = v[0];
        if (s == SENSORS - 1 && step >= DRIFT_FROM) {
          temp += SHIFT * Math.min(1.0, (step - DRIFT_FROM) / (double) RAMP);
        }
        rows.append(
            String.format(
                Locale.ROOT,
                "%d,pump-%d,%s,%s%n",
                TestModels.T0 + step * TestModels.STEP,
                s,
                Float.toString((float) temp),
                Float.toString(v[1])));
      }
    }
    Files.writeString(csv, rows, StandardCharsets.UTF_8);
    Path results = dir.resolve("out").resolve("results.jsonl");

    CliRunner run =
        CliRunner.run(
            "run",
            "--source",
            "file",
            "--source.path",
            csv.toString(),
            "--model",
            model.toString(),
            "--output",
            results.toString(),
            "--continual-retrain",
            "--dashboard.rate",
            "200",
            "--scoring.warmup-windows",
            "50",
            "--scoring.relearn-after",
            "30 min",
            "--retrain.sample-windows",
            "512",
            "--retrain.sample-stride",
            "1",
            "--retrain.recent-windows",
            "50",
            "--retrain.check-every",
            "50",
            "--retrain.min-windows",
            "256",
            "--retrain.min-drift-windows",
            "100",
            "--retrain.epochs",
            "8",
            "--retrain.learning-rate",
            "0.003",
            "--retrain.cpu-share",
            "1");
    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
    System.out.println(run.out());
    assertThat(run.out()).contains("continual retraining: 1 new version(s)");
    assertThat(run.out()).contains("test-sine:1 → test-sine:2 (drift)");
    assertThat(
            dir.resolve("out").resolve("continual").resolve("versions").resolve("test-sine-2.sae"))
        .exists();

    ObjectMapper json = new ObjectMapper();
    Map<String, long[]> byGroup = new LinkedHashMap<>(); // windows, alarms
    List<String> versionsOfDrifting = new ArrayList<>();
    for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
      JsonNode r = json.readTree(line);
      if (r.get("warmingUp").asBoolean()) {
        continue;
      }
      boolean drifting = r.get("sensorId").asText().equals("pump-" + (SENSORS - 1));
      String version = r.get("modelVersion").asText();
      if (drifting) {
        versionsOfDrifting.add(version);
      }
      long[] g =
          byGroup.computeIfAbsent((drifting ? "drifting " : "others ") + version, k -> new long[2]);
      g[0]++;
      g[1] += r.get("anomalous").asBoolean() ? 1 : 0;
    }
    byGroup.forEach(
        (k, g) ->
            System.out.printf(
                Locale.ROOT, "%-22s windows %5d alarm rate %.4f%n", k, g[0], (double) g[1] / g[0]));
    int firstV2 = versionsOfDrifting.indexOf("test-sine:2");
    assertThat(firstV2).as("the drifting sensor reaches version 2").isPositive();
    assertThat(versionsOfDrifting.subList(firstV2, versionsOfDrifting.size()))
        .containsOnly("test-sine:2");
    long[] after = byGroup.get("drifting test-sine:2");
    long[] othersBefore = byGroup.get("others test-sine:1");
    double normalRate = (double) othersBefore[1] / othersBefore[0];
    assertThat((double) after[1] / after[0])
        .as("alarm rate of the drifted sensor with version 2")
        .isLessThanOrEqualTo(Math.max(2 * normalRate, 0.02));
  }
}
