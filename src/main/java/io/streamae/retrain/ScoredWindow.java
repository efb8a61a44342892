package io.streamae.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * What the retrainer needs of one result record of the scoring job: which sensor and window, which
 * model version scored it, the raw errors, the verdict and the window's last reading.
 *
 * <p>Read from the result JSON ({@code io.streamae.sink.RecordJson}). With {@code window.slide 1}
 * every reading of a sensor is the {@code lastReading} of one result, so a sensor's results in
 * order are its readings together with the job's verdict on each window: the retrainer rebuilds
 * windows from them without reading the input topic a second time and without joining two streams.
 *
 * @param modelId the part of {@code modelVersion} before the last {@code :}
 * @param error the error the drift detector follows: reconstruction error, or the prediction error
 *     for a prediction-only model; NaN when the record has none
 * @param normal the job judged the window normal: status OK, not anomalous, not warming up, no
 *     filled values
 * @param lastValues the last reading in the model's feature order, original units
 */
public record ScoredWindow(
    String sensorId,
    long windowStart,
    long windowEnd,
    String modelId,
    String modelVersion,
    double reconstructionError,
    double predictionError,
    boolean anomalous,
    boolean normal,
    long lastTs,
    float[] lastValues) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads a result record.
   *
   * @param features the model's feature order, to read {@code lastReading.values} in
   * @throws IllegalArgumentException naming what is missing or wrong (not JSON, no {@code
   *     lastReading}, a feature missing from it, …)
   */
  public static ScoredWindow parse(byte[] json, List<String> features) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("result is not valid JSON: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("result is not a JSON object");
    }
    String sensor = text(node, "sensorId");
    String version = text(node, "modelVersion");
    int colon = version.lastIndexOf(':');
    String modelId = colon < 0 ? version : version.substring(0, colon);
    JsonNode last = node.get("lastReading");
    if (last == null || !last.isObject()) {
      throw new IllegalArgumentException(
          String.format("result of %s has no lastReading (written before it existed?)", sensor));
    }
    JsonNode values = last.get("values");
    float[] lastValues = new float[features.size()];
    for (int f = 0; f < features.size(); f++) {
      JsonNode v = values == null ? null : values.get(features.get(f));
      if (v == null || !v.isNumber()) {
        throw new IllegalArgumentException(
            String.format(
                "result of %s: lastReading has no numeric value for feature %s",
                sensor, features.get(f)));
      }
      lastValues[f] = v.floatValue();
    }
    boolean ok = "OK".equals(node.path("status").asText("OK"));
    boolean anomalous = node.path("anomalous").asBoolean(false);
    boolean warmingUp = node.path("warmingUp").asBoolean(false);
    int filled = node.path("filledValues").asInt(0);
    return new ScoredWindow(
        sensor,
        number(node, "windowStart"),
        number(node, "windowEnd"),
        modelId,
        version,
        node.path("reconstructionError").isNumber()
            ? node.get("reconstructionError").asDouble()
            : Double.NaN,
        node.path("predictionError").isNumber()
            ? node.get("predictionError").asDouble()
            : Double.NaN,
        anomalous,
        ok && !anomalous && !warmingUp && filled == 0,
        number(last, "ts"),
        lastValues);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(String.format("result has no %s", field));
    }
    return v.asText();
  }

  private static long number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToLong()) {
      throw new IllegalArgumentException(String.format("result has no integer %s", field));
    }
    return v.asLong();
  }
}
