package io.streamae.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One rule for job keys: StreamAE's or Flink's, anything else refused with the closest key. */
class JobKeysTest {
  @TempDir Path dir;

  @Test
  void flinksKeysAreReadFromItsOptionsClassesOnTheClassPath() {
    assertThat(JobKeys.flink())
        .contains(
            CoreOptions.DEFAULT_PARALLELISM.key(),
            CheckpointingOptions.CHECKPOINTING_INTERVAL.key(),
            StateBackendOptions.STATE_BACKEND.key(),
            RestartStrategyOptions.RESTART_STRATEGY.key(),
            PipelineOptions.GENERIC_TYPES.key(),
            TaskManagerOptions.NUM_TASK_SLOTS.key())
        .hasSizeGreaterThan(500)
        .doesNotContain(JobOptions.WINDOW_SLIDE.key());
    // fallback (deprecated) keys are still read by Flink, so they are accepted
    CoreOptions.DEFAULT_PARALLELISM
        .fallbackKeys()
        .forEach(k -> assertThat(JobKeys.isKnown(k.getKey())).isTrue());
  }

  @Test
  void ownKeysFlinkKeysAndPrefixFamiliesAreKnown() {
    assertThat(JobKeys.isKnown("window.slide")).isTrue();
    assertThat(JobKeys.isKnown("kafka.properties.security.protocol")).isTrue();
    assertThat(JobKeys.isKnown("execution.checkpointing.interval")).isTrue();
    assertThat(JobKeys.isKnown("metrics.reporter.prom.port")).isTrue();
    assertThat(JobKeys.isKnown("pipeline.global-job-parameters.team"))
        .as("under a map option")
        .isTrue();
    assertThat(JobKeys.isKnown("windw.slide")).isFalse();
    assertThat(JobKeys.isKnown("execution.checkpointing.intervall")).isFalse();
    assertThat(JobKeys.isKnown("bogus")).isFalse();
  }

  @Test
  void theClosestKeyIsNamed() {
    assertThat(JobKeys.unknown("option", "--windw.slide", List.of()))
        .isEqualTo("unknown option --windw.slide; did you mean --window.slide?");
    assertThat(JobKeys.unknown("option", "--execution.checkpointing.intervall", List.of()))
        .isEqualTo(
            "unknown option --execution.checkpointing.intervall; did you mean"
                + " --execution.checkpointing.interval?");
    assertThat(JobKeys.unknown("key", "modle.path", List.of()))
        .isEqualTo("unknown key modle.path; did you mean model.path?");
    assertThat(JobKeys.unknown("option", "--modle", List.of("--model", "--output")))
        .isEqualTo("unknown option --modle; did you mean --model?");
    assertThat(JobKeys.unknown("option", "--bogus", List.of("--model")))
        .isEqualTo("unknown option --bogus: neither a StreamAE nor a Flink option");
  }

  @Test
  void distanceCountsASwapOnce() {
    assertThat(JobKeys.distance("modle", "model")).isEqualTo(1);
    assertThat(JobKeys.distance("window.slide", "window.slide")).isZero();
    assertThat(JobKeys.distance("windw", "window")).isEqualTo(1);
  }

  @Test
  void jobFilesOverridesAndClusterSubmissionShareTheRule() throws Exception {
    Path yaml = dir.resolve("job.yaml");
    Files.writeString(yaml, "window:\n  slide: 2\nexecution.checkpointing.intervall: 2s\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, List.of()))
        .hasMessage(
            "job file "
                + yaml
                + ": unknown key execution.checkpointing.intervall; did you mean"
                + " execution.checkpointing.interval?");
    assertThatThrownBy(() -> ScoringJobMain.configuration("--modle.path", "/m.sae"))
        .hasMessage("unknown option --modle.path; did you mean --model.path?");
    assertThatThrownBy(() -> ScoringJobMain.configuration("--windw.slide", "2"))
        .hasMessage("unknown option --windw.slide; did you mean --window.slide?");
    Configuration ok =
        ScoringJobMain.configuration(
            "--execution.checkpointing.interval",
            "2s",
            "--state.backend.type",
            "hashmap",
            "--kafka.bootstrap-servers",
            "localhost:9092");
    assertThat(ok.toMap()).containsEntry("execution.checkpointing.interval", "2s");
  }

  @Test
  void aYamlErrorNamesTheFileAndLine() throws Exception {
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "window:\n  size: 3\n slide: [\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, List.of()))
        .hasMessageStartingWith("job file " + yaml + ": YAML error at line 3:")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> ConfigLoader.load(dir, List.of()))
        .hasMessage("job file " + dir + " is a directory, not a file");
  }
}
