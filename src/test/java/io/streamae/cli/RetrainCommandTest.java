package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.HistoryScorer;
import io.streamae.sink.RecordJson;
import io.streamae.testkit.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamae retrain} as users call it: following a results file, and its mistakes. */
class RetrainCommandTest {
  @TempDir Path dir;

  @Test
  void aScheduledRetrainOnAResultsFileReplacesTheWatchedModel() throws Exception {
    ModelBundle v1 = TestModels.sineBundle(8, 4, 8, "fleet", "1");
    Path model = dir.resolve("model.sae");
    v1.write(model);
    List<String> lines = new ArrayList<>();
    HistoryScorer.score(
        v1,
        TestModels.sineHistory(List.of("s-1", "s-2", "s-3"), 500),
        r -> lines.add(RecordJson.result(r)));
    lines.add("not a result");
    Path results = Files.write(dir.resolve("results.jsonl"), lines, StandardCharsets.UTF_8);

    CliRunner run =
        CliRunner.run(
            "retrain",
            "--results",
            results.toString(),
            "--watch",
            "--model",
            model.toString(),
            "--retrain.every",
            "1 ms",
            "--retrain.min-windows",
            "512",
            "--retrain.epochs",
            "1",
            "--retrain.cpu-share",
            "1",
            "--max-retrains",
            "1");
    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    assertThat(run.out())
        .contains("retraining fleet:1 (schedule) → fleet:2")
        .contains("published fleet:2");
    ModelBundle v2 = ModelBundle.read(model);
    assertThat(v2.versionLabel()).isEqualTo("fleet:2");
    assertThat(v2.metadata().training().options()).containsEntry("fineTunedFrom", "fleet:1");
    assertThat(dir.resolve("retrained").resolve("fleet-2.sae")).exists();
  }

  @Test
  void mistakesAreNamed() throws Exception {
    CliRunner noModel = CliRunner.run("retrain", "--results", dir.resolve("r.jsonl").toString());
    assertThat(noModel.exitCode()).isEqualTo(StreamAeMain.EXIT_USAGE);
    assertThat(noModel.firstErrorLine()).contains("no model: give --model or model.path");

    Path model = dir.resolve("m.sae");
    TestModels.sineBundle(8, 1, 4, "fleet", "1").write(model);
    CliRunner noTopic = CliRunner.run("retrain", "--model", model.toString());
    assertThat(noTopic.exitCode()).isEqualTo(StreamAeMain.EXIT_USAGE);
    assertThat(noTopic.firstErrorLine()).contains("no model-updates topic");

    CliRunner badShare =
        CliRunner.run("retrain", "--model", model.toString(), "--retrain.cpu-share", "2");
    assertThat(badShare.exitCode()).isEqualTo(StreamAeMain.EXIT_USAGE);
    assertThat(badShare.firstErrorLine()).contains("retrain CPU share (2.0) must be in (0, 1]");
  }
}
