package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same history file, ordered by time or grouped by sensor, gives the same windows in {@code
 * score} and in {@code run --source file} (a local job on the embedded MiniCluster), and both say
 * the same about which windows are {@code anomalous}.
 */
class ScoreAndRunAgreementITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 300;
  private static final int FAULT_FROM = 220;
  private static final int FAULT_TO = 245;

  @TempDir static Path dir;
  static Path model;
  static Path byTime;
  static Path bySensor;

  @BeforeAll
  static void files() throws Exception {
    model = dir.resolve("sine.sae");
    TestModels.sineBundle(12, 8).write(model);
    List<String[]> rows = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < ROWS; i++) {
        float[] v = TestModels.sineValues(s, i);
        boolean fault = s == 1 && i >= FAULT_FROM && i < FAULT_TO;
        rows.add(
            new String[] {
              Long.toString(TestModels.T0 + i * TestModels.STEP),
              "s-" + (s + 1),
              String.format(Locale.ROOT, "%.4f", v[0] + (fault ? 6 : 0)),
              String.format(Locale.ROOT, "%.4f", v[1])
            });
      }
    }
    bySensor = write("by-sensor.csv", rows);
    List<String[]> sorted = new ArrayList<>(rows);
    sorted.sort(
        (a, b) ->
            a[0].equals(b[0])
                ? a[1].compareTo(b[1])
                : Long.compare(Long.parseLong(a[0]), Long.parseLong(b[0])));
    byTime = write("by-time.csv", sorted);
  }

  @Test
  void scoreAndRunAgreeOnWindowsAndAnomalousInEitherOrder() throws Exception {
    Map<String, Boolean> scoredByTime = score(byTime, "score-by-time.jsonl");
    Map<String, Boolean> scoredBySensor = score(bySensor, "score-by-sensor.jsonl");
    assertThat(scoredBySensor).isEqualTo(scoredByTime);
    assertThat(scoredByTime).hasSize(2 * (ROWS - 12 + 1));
    assertThat(
            scoredByTime.entrySet().stream()
                .filter(e -> e.getValue() && e.getKey().startsWith("s-2")))
        .as("the planted fault raises alarms")
        .isNotEmpty();

    for (Path file : List.of(byTime, bySensor)) {
      Path out = dir.resolve("run-" + file.getFileName()).resolve("results.jsonl");
      CliRunner r =
          CliRunner.run(
              "run",
              "--source",
              "file",
              "--source.path",
              file.toString(),
              "--model",
              model.toString(),
              "--output",
              out.toString());
      assertThat(r.exitCode()).as("run on %s: %s", file, r.err()).isZero();
      assertThat(r.out()).contains("dead letters: 0");
      assertThat(Files.readAllLines(out.resolveSibling("dead-letters.jsonl")))
          .as("no late readings")
          .isEmpty();
      assertThat(windows(out))
          .as("run --source file on %s", file.getFileName())
          .isEqualTo(scoredByTime);
    }
  }

  @Test
  void aRunWhoseEveryReadingIsADeadLetterFails() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      // a timestamp of 1999: readable by the file reader, refused by the job's parser
      lines.append(
          String.format(
              Locale.ROOT,
              "{\"sensorId\":\"s-1\",\"ts\":%d,\"values\":{\"temp\":50.0,\"current\":10.0}}%n",
              915_148_800_000L + i * 60_000L));
    }
    Path file = Files.writeString(dir.resolve("old.jsonl"), lines.toString());
    CliRunner r =
        CliRunner.run(
            "run",
            "--source",
            "file",
            "--source.path",
            file.toString(),
            "--model",
            model.toString(),
            "--output",
            dir.resolve("old").resolve("results.jsonl").toString());
    assertThat(r.exitCode()).isEqualTo(StreamAeMain.EXIT_NOTHING_SCORED);
    assertThat(r.firstErrorLine())
        .startsWith("error: no window scored: all 40 readings became dead letters {");
  }

  private static Map<String, Boolean> score(Path file, String output) throws Exception {
    Path out = dir.resolve(output);
    CliRunner r =
        CliRunner.run(
            "score",
            "--model",
            model.toString(),
            "--input",
            file.toString(),
            "--output",
            out.toString());
    assertThat(r.exitCode()).as("score %s: %s", file, r.err()).isZero();
    return windows(out);
  }

  /** "sensor window-start window-end" → anomalous. */
  private static Map<String, Boolean> windows(Path results) throws Exception {
    Map<String, Boolean> out = new TreeMap<>();
    for (String line : Files.readAllLines(results)) {
      JsonNode r = JSON.readTree(line);
      String key =
          r.get("sensorId").asText()
              + " "
              + r.get("windowStart").asLong()
              + " "
              + r.get("windowEnd").asLong();
      assertThat(out.put(key, r.get("anomalous").asBoolean())).as("one record per window").isNull();
    }
    return out;
  }

  private static Path write(String name, List<String[]> rows) throws Exception {
    StringBuilder sb = new StringBuilder("timestamp,sensorId,temp,current\n");
    for (String[] r : rows) {
      sb.append(String.join(",", r)).append('\n');
    }
    return Files.writeString(dir.resolve(name), sb.toString());
  }
}
