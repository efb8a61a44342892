package io.streamae.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamae.model.io.ModelBundle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A request to score with another model bundle while the job runs: the message on the model-updates
 * topic (and what a watched {@code model.path} turns into when its file changes).
 *
 * <p>Place in the pipeline: parsed by {@code parse-model-updates}, broadcast to every {@code
 * score-windows} subtask, kept there in broadcast state (so a restore reloads the bundles that were
 * active at the checkpoint). The JSON form, as {@code streamae publish-model} sends it:
 *
 * <pre>{@code
 * {"modelId":"pumps","modelVersion":"2","uri":"s3://models/pumps-2.sae",
 *  "sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
 * }</pre>
 *
 * @param modelId the bundle's {@code modelId}; sensors are routed to model ids ({@link
 *     ModelRoutes})
 * @param modelVersion the bundle's {@code modelVersion}
 * @param uri where every subtask reads the bundle: a path or any URI Flink's file systems open
 * @param sha256 SHA-256 of the bundle file, 64 lower-case hex digits
 */
public record ModelUpdate(String modelId, String modelVersion, String uri, String sha256) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Largest accepted message: an update names a bundle, it does not carry one. */
  public static final int MAX_BYTES = 64 * 1024;

  /** {@code modelId:modelVersion}, as on result records. */
  public String versionLabel() {
    return modelId + ":" + modelVersion;
  }

  /**
   * Reads an update message.
   *
   * @throws IllegalArgumentException naming what is wrong: not JSON, a missing or blank field, a
   *     checksum that is not 64 hex digits
   */
  public static ModelUpdate parse(byte[] payload) {
    if (payload == null || payload.length == 0) {
      throw new IllegalArgumentException("empty model update message");
    }
    if (payload.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          String.format("model update message of %s bytes, at most %s", payload.length, MAX_BYTES));
    }
    JsonNode node;
    try {
      node = JSON.readTree(payload);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "model update is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("model update is not valid JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("model update must be a JSON object");
    }
    JsonNode problem = node.get("problem");
    if (problem != null && problem.isTextual()) {
      throw new IllegalArgumentException(
          String.format(
              "model bundle %s cannot be used: %s",
              node.path("uri").asText("?"), problem.asText()));
    }
    String sha = field(node, "sha256").toLowerCase(Locale.ROOT);
    if (sha.length() != 64 || !sha.chars().allMatch(c -> HexFormat.isHexDigit(c))) {
      throw new IllegalArgumentException(
          String.format("model update field sha256 (%s) must be 64 hex digits", sha));
    }
    return new ModelUpdate(
        field(node, "modelId"), field(node, "modelVersion"), field(node, "uri"), sha);
  }

  /**
   * The update that announces the bundle file {@code bundle}: its model id and version from its
   * metadata, the SHA-256 of its bytes, and {@code uri} as where the job's subtasks will read it
   * (the file's absolute path when null).
   *
   * @throws IOException when the file cannot be read or is not a valid bundle
   */
  public static ModelUpdate describe(Path bundle, String uri) throws IOException {
    byte[] bytes = Files.readAllBytes(bundle);
    ModelBundle read = ModelBundle.read(new ByteArrayInputStream(bytes), bundle.toString());
    return new ModelUpdate(
        read.metadata().modelId(),
        read.metadata().modelVersion(),
        uri != null ? uri : bundle.toAbsolutePath().toString(),
        ModelBundle.sha256(bytes));
  }

  /**
   * The message a watcher sends for a file that is not a usable bundle: its URI, checksum and the
   * {@code problem}; {@link #parse} refuses it with that problem.
   */
  public static String problem(String uri, String sha256, String problem) {
    ObjectNode node = JSON.createObjectNode();
    node.put("uri", uri);
    node.put("sha256", sha256);
    node.put("problem", problem == null ? "unreadable" : problem);
    return node.toString();
  }

  /** The message form of this update, UTF-8 JSON. */
  public byte[] toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("modelId", modelId);
    node.put("modelVersion", modelVersion);
    node.put("uri", uri);
    node.put("sha256", sha256);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(
          String.format("model update field %s is missing or not a non-blank string", name));
    }
    return value.asText().trim();
  }
}
