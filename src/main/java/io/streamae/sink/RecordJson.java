package io.streamae.sink;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamae.ingest.DeadLetter;
import io.streamae.ingest.SensorReading;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * JSON schemas of the job's outputs. A result:
 *
 * <pre>{@code
 * {"sensorId":"pump-7","windowStart":1732700000000,"windowEnd":1732701860000,
 *  "reconstructionError":0.41,"featureErrors":{"temp":0.8,"vibration":0.02},
 *  "attribution":[{"feature":"temp","share":0.97},{"feature":"vibration","share":0.03}],
 *  "lastReading":{"ts":1732701860000,"values":{"temp":73.9,"vibration":0.031}},
 *  "predictions":[{"ts":1732701920000,"values":{"temp":71.4,"vibration":0.03}}],
 *  "predictionError":0.12,"anomalyScore":0.62,"threshold":0.25,"anomalous":true,
 *  "warmingUp":false,"filledValues":0,"modelVersion":"pumps:20261127T120000Z","status":"OK",
 *  "releasedByTimeout":false}
 * }</pre>
 *
 * Errors that cannot be computed are {@code null} (JSON has no NaN). {@code lastReading} (the
 * window's last reading) is left out when the record does not carry it; readers must not need it. A
 * dead letter keeps the raw bytes exactly, base64-encoded, plus the text when the bytes are valid
 * UTF-8.
 */
public final class RecordJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
  private static final ObjectMapper JSON = new ObjectMapper(FACTORY);

  private RecordJson() {}

  /** The result as JSON text; {@link #resultBytes} is the same as UTF-8. */
  public static String result(AnomalyRecord r) {
    return new String(resultBytes(r), StandardCharsets.UTF_8);
  }

  /**
   * The result as UTF-8 JSON, written with a streaming generator: this runs once per scored window,
   * and building a tree first cost about a seventh of the Kafka job's task time. Per-feature values
   * are floats and are written as floats (shortest text that reads back to the same float, e.g.
   * {@code 0.8}, not the widened {@code 0.800000011920929}).
   */
  public static byte[] resultBytes(AnomalyRecord r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 96 * r.featureNames().length);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      String[] names = r.featureNames();
      g.writeStartObject();
      g.writeStringField("sensorId", r.sensorId());
      g.writeNumberField("windowStart", r.windowStart());
      g.writeNumberField("windowEnd", r.windowEnd());
      number(g, "reconstructionError", r.reconstructionError());
      g.writeObjectFieldStart("featureErrors");
      float[] featureErrors = r.featureErrors();
      for (int f = 0; f < featureErrors.length; f++) {
        number(g, names[f], featureErrors[f]);
      }
      g.writeEndObject();
      g.writeArrayFieldStart("attribution");
      float[] shares = r.attribution();
      for (int f : descending(shares)) {
        g.writeStartObject();
        g.writeStringField("feature", names[f]);
        number(g, "share", shares[f]);
        g.writeEndObject();
      }
      g.writeEndArray();
      int features = names.length;
      float[] last = r.lastValues();
      if (last != null && last.length == features) {
        g.writeObjectFieldStart("lastReading");
        g.writeNumberField("ts", r.windowEnd());
        g.writeObjectFieldStart("values");
        for (int f = 0; f < features; f++) {
          number(g, names[f], last[f]);
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeArrayFieldStart("predictions");
      long[] predictionTimestamps = r.predictionTimestamps();
      float[] predictions = r.predictions();
      for (int p = 0; p < predictionTimestamps.length; p++) {
        g.writeStartObject();
        g.writeNumberField("ts", predictionTimestamps[p]);
        g.writeObjectFieldStart("values");
        for (int f = 0; f < features; f++) {
          number(g, names[f], predictions[p * features + f]);
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      number(g, "predictionError", r.predictionError());
      number(g, "anomalyScore", r.anomalyScore());
      number(g, "threshold", r.threshold());
      g.writeBooleanField("anomalous", r.anomalous());
      g.writeBooleanField("warmingUp", r.warmingUp());
      g.writeNumberField("filledValues", r.filledValues());
      g.writeStringField("modelVersion", r.modelVersion());
      g.writeStringField("status", r.status());
      g.writeBooleanField("releasedByTimeout", r.releasedByTimeout());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory", e);
    }
    return out.toByteArray();
  }

  /** Indexes of {@code shares}, largest share first; equal shares keep their feature order. */
  private static int[] descending(float[] shares) {
    int[] order = new int[shares.length];
    for (int i = 0; i < order.length; i++) {
      int at = i;
      while (at > 0 && Float.compare(shares[order[at - 1]], shares[i]) < 0) {
        order[at] = order[at - 1];
        at--;
      }
      order[at] = i;
    }
    return order;
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
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static void number(JsonGenerator g, String key, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumberField(key, v);
    } else {
      g.writeNullField(key);
    }
  }

  private static void number(JsonGenerator g, String key, float v) throws IOException {
    if (Float.isFinite(v)) {
      g.writeNumberField(key, v);
    } else {
      g.writeNullField(key);
    }
  }
}
