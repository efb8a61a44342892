package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.ModelUpdate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish-model} without a broker: the message it would send, and the mistakes it names.
 * Sending to a real broker is part of {@code ModelSwapITCase}.
 */
class PublishModelCommandTest {
  private static final Path GOLDEN = Path.of("src/test/resources/model/v1/golden.sae");

  @TempDir Path dir;

  @Test
  void printsTheUpdateMessageWithTheBundlesChecksum() throws Exception {
    CliRunner r =
        CliRunner.run(
            "publish-model", GOLDEN.toString(), "--uri", "s3://models/golden-1.sae", "--print");
    assertThat(r.exitCode()).isZero();
    ModelUpdate update = ModelUpdate.parse(r.out().strip().getBytes(StandardCharsets.UTF_8));
    assertThat(update.modelId()).isEqualTo("golden");
    assertThat(update.modelVersion()).isEqualTo("1");
    assertThat(update.uri()).isEqualTo("s3://models/golden-1.sae");
    assertThat(update.sha256()).isEqualTo(ModelBundle.sha256(Files.readAllBytes(GOLDEN)));
  }

  @Test
  void namesWhatIsMissing() throws Exception {
    CliRunner noBroker =
        CliRunner.run("publish-model", GOLDEN.toString(), "--topic", "model-updates");
    assertThat(noBroker.exitCode()).isEqualTo(StreamAeMain.EXIT_USAGE);
    assertThat(noBroker.firstErrorLine()).contains("--bootstrap-servers");

    CliRunner noTopic =
        CliRunner.run("publish-model", GOLDEN.toString(), "--bootstrap-servers", "localhost:1");
    assertThat(noTopic.exitCode()).isEqualTo(StreamAeMain.EXIT_USAGE);
    assertThat(noTopic.firstErrorLine()).contains("--topic");

    Path notABundle = Files.writeString(dir.resolve("notes.sae"), "not a bundle");
    CliRunner bad = CliRunner.run("publish-model", notABundle.toString(), "--print");
    assertThat(bad.exitCode()).isEqualTo(StreamAeMain.EXIT_USAGE);
    assertThat(bad.firstErrorLine()).contains("notes.sae");
  }
}
