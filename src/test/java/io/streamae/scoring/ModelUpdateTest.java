package io.streamae.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The model-update message and the sensor → model routes: good forms and every refusal. */
class ModelUpdateTest {
  private static final String SHA =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private static ModelUpdate parse(String json) {
    return ModelUpdate.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheDocumentedMessageAndWritesItBack() {
    String json =
        "{\"modelId\":\"pumps\",\"modelVersion\":\"2\",\"uri\":\"s3://models/pumps-2.sae\",\"sha256\":\""
            + SHA
            + "\"}";
    ModelUpdate update = parse(json);
    assertThat(update).isEqualTo(new ModelUpdate("pumps", "2", "s3://models/pumps-2.sae", SHA));
    assertThat(update.versionLabel()).isEqualTo("pumps:2");
    assertThat(new String(update.toJson(), StandardCharsets.UTF_8)).isEqualTo(json);
    assertThat(parse(json.replace(SHA, SHA.toUpperCase())).sha256()).isEqualTo(SHA);
  }

  @Test
  void refusesWhatIsNotAnUpdateNamingTheProblem() {
    assertThatThrownBy(() -> ModelUpdate.parse(new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> parse("{\"modelId\":")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("JSON object");
    assertThatThrownBy(
            () -> parse("{\"modelVersion\":\"2\",\"uri\":\"x\",\"sha256\":\"" + SHA + "\"}"))
        .hasMessageContaining("modelId");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"modelId\":\"p\",\"modelVersion\":2,\"uri\":\"x\",\"sha256\":\""
                        + SHA
                        + "\"}"))
        .hasMessageContaining("modelVersion");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"modelId\":\"p\",\"modelVersion\":\"2\",\"uri\":\" \",\"sha256\":\""
                        + SHA
                        + "\"}"))
        .hasMessageContaining("uri");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"modelId\":\"p\",\"modelVersion\":\"2\",\"uri\":\"x\",\"sha256\":\"abc\"}"))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> ModelUpdate.parse(new byte[ModelUpdate.MAX_BYTES + 1]))
        .hasMessageContaining("at most");
  }

  @Test
  void routesPickTheFirstMatchingPattern() {
    ModelRoutes routes = ModelRoutes.parse(" pump-7=special, pump-*=pumps , fan-*=fans,*=default");
    assertThat(routes.modelFor("pump-7")).isEqualTo("special");
    assertThat(routes.modelFor("pump-70")).isEqualTo("pumps");
    assertThat(routes.modelFor("fan-1")).isEqualTo("fans");
    assertThat(routes.modelFor("boiler")).isEqualTo("default");
    assertThat(routes.names("fans")).isTrue();
    assertThat(routes.names("boilers")).isFalse();
    assertThat(ModelRoutes.parse("pump-*=pumps").modelFor("fan-1")).isNull();
    assertThat(ModelRoutes.parse("  ").isEmpty()).isTrue();
  }

  @Test
  void refusesMalformedRoutes() {
    assertThatThrownBy(() -> ModelRoutes.parse("pump-*")).hasMessageContaining("pattern=modelId");
    assertThatThrownBy(() -> ModelRoutes.parse("=pumps")).hasMessageContaining("pattern=modelId");
    assertThatThrownBy(() -> ModelRoutes.parse("pump-*=")).hasMessageContaining("pattern=modelId");
    assertThatThrownBy(() -> ModelRoutes.parse("a=b=c")).hasMessageContaining("pattern=modelId");
    assertThatThrownBy(() -> ModelRoutes.parse("*pump=pumps"))
        .hasMessageContaining("only at its end");
  }
}
