package io.streamae.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamae.ingest.SensorReading;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;

/**
 * JSON schemas of the job's outputs. A result:
 *
 * <pre>{@code
 * {"sensorId":"pump-7","windowStart":1732700000000,"windowEnd":1732701860000,
 *  "reconstructionError":0.41,"featureErrors":{"temp":0.8,"vibration":0.02},
 *  "attribution":[{"feature":"temp","share":0.97},{"feature":"vibration","share":0.03}],
 *  "predictions":[{"ts":1732701920000,"values":{"temp":71.4,"vibration":0.03}}],
 *  "predictionError":0.12,"anomalyScore":0.62,"threshold":0.25,"anomalous":true,
 *  "warmingUp":false,"filledValues":0,"modelVersion":"pumps:20261127T120000Z","status":"OK"}
 * }</pre>
 *
 * Errors that cannot be computed are {@code null} (JSON has no NaN). A dead letter keeps the raw
 * bytes exactly, base64-encoded, plus the text when the bytes are valid UTF-8.
 */
public final class RecordJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RecordJson() {}

  public static String result(AnomalyRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("sensorId", r.sensorId());
    n.put("windowStart", r.windowStart());
    n.put("windowEnd", r.windowEnd());
    number(n, "reconstructionError", r.reconstructionError());
    String[] names = r.featureNames();
    ObjectNode errors = n.putObject("featureErrors");
    for (int f = 0; f < r.featureErrors().length; f++) {
      number(errors, names[f], r.featureErrors()[f]);
    }
    ArrayNode attribution = n.putArray("attribution");
    Integer[] order = new Integer[r.attribution().length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(r.attribution()[b], r.attribution()[a]));
    for (int f : order) {
      ObjectNode share = attribution.addObject();
      share.put("feature", names[f]);
      number(share, "share", r.attribution()[f]);
    }
    ArrayNode predictions = n.putArray("predictions");
    int features = names.length;
    for (int p = 0; p < r.predictionTimestamps().length; p++) {
      ObjectNode step = predictions.addObject();
      step.put("ts", r.predictionTimestamps()[p]);
      ObjectNode values = step.putObject("values");
      for (int f = 0; f < features; f++) {
        number(values, names[f], r.predictions()[p * features + f]);
      }
    }
    number(n, "predictionError", r.predictionError());
    number(n, "anomalyScore", r.anomalyScore());
    number(n, "threshold", r.threshold());
    n.put("anomalous", r.anomalous());
    n.put("warmingUp", r.warmingUp());
    n.put("filledValues", r.filledValues());
    n.put("modelVersion", r.modelVersion());
    n.put("status", r.status());
    return n.toString();
  }

  public static String deadLetter(DeadLetter d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("reason", d.reason());
    n.put("detail", d.detail());
    n.put("stage", d.stage());
    n.put("source", d.source());
    n.put("timestamp", d.timestamp());
    if (d.payload() == null) {
      n.putNull("payloadBase64");
    } else {
      n.put("payloadBase64", Base64.getEncoder().encodeToString(d.payload()));
      String text = utf8(d.payload());
      if (text != null && text.length() <= 4096) {
        n.put("payload", text);
      }
    }
    return n.toString();
  }

  /** A reading in the input format, e.g. to re-publish a late reading as a dead letter. */
  public static byte[] reading(SensorReading r, List<String> featureNames) {
    ObjectNode n = JSON.createObjectNode();
    n.put("sensorId", r.sensorId());
    n.put("ts", r.timestamp());
    ObjectNode values = n.putObject("values");
    for (int f = 0; f < featureNames.size(); f++) {
      values.put(featureNames.get(f), r.values()[f]);
    }
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static void number(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }
}
