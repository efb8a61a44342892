package io.streamae.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamae.window.GapPolicy;
import io.streamae.window.Lateness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
  @TempDir Path dir;

  @Test
  void yamlAndOverridesMergeWithOverridesWinning() throws IOException {
    Path yaml = dir.resolve("job.yaml");
    Files.writeString(
        yaml,
        """
        source:
          kind: nab
        window:
          slide: 2
          max-gap: 30 min
          gap-policy: fill
        parallelism.default: 3
        """);
    Configuration c =
        ConfigLoader.load(
            yaml, List.of("--window.slide", "4", "--model", "/m.sae", "--output=out.jsonl"));
    JobConfig config = JobConfig.from(c);
    assertThat(config.source()).isEqualTo("nab");
    assertThat(config.windowSlide()).isEqualTo(4);
    assertThat(config.maxGap()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.gapPolicy()).isEqualTo(GapPolicy.FILL);
    assertThat(config.modelPath()).isEqualTo("/m.sae");
    assertThat(config.outputPath()).isEqualTo("out.jsonl");
    assertThat(c.toMap()).containsEntry("parallelism.default", "3");
  }

  @Test
  void invalidValuesStopStartUpNamingKeyAndValue() {
    assertThatThrownBy(() -> JobConfig.from(conf("window.slide", "0")))
        .hasMessage("window.slide (0) must be >= 1");
    assertThatThrownBy(() -> JobConfig.from(conf("source.kind", "mqtt")))
        .hasMessageContaining("source.kind (mqtt) must be one of");
    assertThatThrownBy(() -> JobConfig.from(conf("window.gap-policy", "interpolate")))
        .hasMessageContaining("window.gap-policy (interpolate)");
    assertThatThrownBy(() -> JobConfig.from(conf("source.kind", "file")))
        .hasMessageContaining("source.path");
    Configuration both = conf("window.size", "8");
    both.setString("window.slide", "9");
    assertThatThrownBy(() -> JobConfig.from(both))
        .hasMessage("window.slide (9) must not exceed window.size (8)");
    assertThatThrownBy(() -> JobConfig.from(conf("window.max-gap", "soon")))
        .hasMessageContaining("window.max-gap");
    assertThatThrownBy(() -> JobConfig.from(conf("model.batch-size", "0")))
        .hasMessage("model.batch-size (0) must be >= 1");
    assertThatThrownBy(() -> JobConfig.from(conf("model.batch-size", "100000")))
        .hasMessage("model.batch-size (100000) must be <= 4096");
    assertThatThrownBy(() -> JobConfig.from(conf("model.batch-max-wait", "-1 ms")))
        .hasMessageContaining("model.batch-max-wait");
  }

  @Test
  void eventTimeOptionsDefaultToSensorLatenessAndAMinuteOfStaleness() {
    JobConfig defaults = JobConfig.from(new Configuration());
    assertThat(defaults.lateness()).isEqualTo(Lateness.SENSOR);
    assertThat(defaults.maxStaleness()).isEqualTo(Duration.ofMinutes(1));
    assertThat(defaults.watermarkAlignment()).as("off").isNull();
    assertThat(defaults.kafka().checkTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(JobConfig.from(conf("window.lateness", "Watermark")).lateness())
        .isEqualTo(Lateness.WATERMARK);
    assertThat(JobConfig.from(conf("window.watermark-alignment", "20 s")).watermarkAlignment())
        .isEqualTo(Duration.ofSeconds(20));

    assertThatThrownBy(() -> JobConfig.from(conf("window.lateness", "partition")))
        .hasMessage("window.lateness (partition) must be sensor or watermark");
    assertThatThrownBy(() -> JobConfig.from(conf("window.max-staleness", "0 s")))
        .hasMessage("window.max-staleness (PT0S) must be positive");
    assertThatThrownBy(() -> JobConfig.from(conf("window.watermark-alignment", "0 s")))
        .hasMessageContaining("window.watermark-alignment (PT0S) must be positive");
    assertThatThrownBy(() -> JobConfig.from(conf("kafka.check-timeout", "0 s")))
        .hasMessage("kafka.check-timeout (PT0S) must be positive");
  }

  @Test
  void unknownOptionsInOurNamespacesAreTypos() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("--window.sizee", "8")))
        .hasMessage("unknown option --window.sizee; did you mean --window.size?");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("--window.slide")))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml"), List.of()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void modelThatDoesNotFitTheConfiguredWindowFailsAtStartUp() {
    JobConfig config = JobConfig.from(conf("window.size", "16"));
    var layout = new io.streamae.tensor.TensorLayout(32, List.of("a", "b"));
    assertThatThrownBy(() -> new AnomalyDetectionJob(config, layout))
        .hasMessageContaining("window.size (16) does not match the model")
        .hasMessageContaining("32");
  }

  @SuppressWarnings("deprecation")
  private static Configuration conf(String key, String value) {
    Configuration c = new Configuration();
    c.setString(key, value);
    return c;
  }
}
