package io.streamae.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists every job option, so the docs cannot drift silently. */
class ReadmeConfigurationTest {
  @Test
  void everyOptionIsDocumented() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (String key : ConfigLoader.knownKeys()) {
      assertThat(readme).as("README documents %s", key).contains("| `" + key + "` |");
    }
  }
}
