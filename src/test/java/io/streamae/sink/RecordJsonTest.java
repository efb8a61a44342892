package io.streamae.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AnomalyRecord record(
      String[] names,
      float[] errors,
      float[] attribution,
      float[] predictions,
      double predictionError) {
    long[] predictionTimestamps = new long[predictions.length / names.length];
    for (int p = 0; p < predictionTimestamps.length; p++) {
      predictionTimestamps[p] = 1_732_701_920_000L + 60_000L * p;
    }
    return new AnomalyRecord(
        "pump-7",
        1_732_700_000_000L,
        1_732_701_860_000L,
        0.41,
        names,
        errors,
        attribution,
        predictions,
        predictionTimestamps,
        predictionError,
        0.62,
        0.25,
        true,
        false,
        0,
        "pumps:20261127T120000Z",
        AnomalyRecord.OK);
  }

  @Test
  void resultHasTheDocumentedShape() {
    AnomalyRecord r =
        withLastValues(
            record(
                new String[] {"temp", "vibration"},
                new float[] {0.8f, 0.02f},
                new float[] {0.03f, 0.97f},
                new float[] {71.4f, 0.03f},
                Double.NaN),
            new float[] {73.9f, 0.031f});

    assertThat(RecordJson.result(r))
        .isEqualTo(
            "{\"sensorId\":\"pump-7\",\"windowStart\":1732700000000,\"windowEnd\":1732701860000,"
                + "\"reconstructionError\":0.41,\"featureErrors\":{\"temp\":0.8,\"vibration\":0.02},"
                + "\"attribution\":[{\"feature\":\"vibration\",\"share\":0.97},"
                + "{\"feature\":\"temp\",\"share\":0.03}],"
                + "\"lastReading\":{\"ts\":1732701860000,\"values\":{\"temp\":73.9,\"vibration\":0.031}},"
                + "\"predictions\":[{\"ts\":1732701920000,\"values\":{\"temp\":71.4,\"vibration\":0.03}}],"
                + "\"predictionError\":null,\"anomalyScore\":0.62,\"threshold\":0.25,\"anomalous\":true,"
                + "\"warmingUp\":false,\"filledValues\":0,\"modelVersion\":\"pumps:20261127T120000Z\","
                + "\"status\":\"OK\",\"releasedByTimeout\":false}");
    assertThat(RecordJson.resultBytes(r))
        .isEqualTo(RecordJson.result(r).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRecordWithoutTheLastReadingKeepsTheEarlierShape() {
    AnomalyRecord r =
        record(
            new String[] {"temp", "vibration"},
            new float[] {0.8f, 0.02f},
            new float[] {0.03f, 0.97f},
            new float[] {71.4f, 0.03f},
            Double.NaN);

    assertThat(RecordJson.result(r))
        .isEqualTo(
            "{\"sensorId\":\"pump-7\",\"windowStart\":1732700000000,\"windowEnd\":1732701860000,"
                + "\"reconstructionError\":0.41,\"featureErrors\":{\"temp\":0.8,\"vibration\":0.02},"
                + "\"attribution\":[{\"feature\":\"vibration\",\"share\":0.97},"
                + "{\"feature\":\"temp\",\"share\":0.03}],"
                + "\"predictions\":[{\"ts\":1732701920000,\"values\":{\"temp\":71.4,\"vibration\":0.03}}],"
                + "\"predictionError\":null,\"anomalyScore\":0.62,\"threshold\":0.25,\"anomalous\":true,"
                + "\"warmingUp\":false,\"filledValues\":0,\"modelVersion\":\"pumps:20261127T120000Z\","
                + "\"status\":\"OK\",\"releasedByTimeout\":false}");
  }

  private static AnomalyRecord withLastValues(AnomalyRecord r, float[] values) {
    return new AnomalyRecord(
        r.sensorId(),
        r.windowStart(),
        r.windowEnd(),
        r.reconstructionError(),
        r.featureNames(),
        r.featureErrors(),
        r.attribution(),
        r.predictions(),
        r.predictionTimestamps(),
        r.predictionError(),
        r.anomalyScore(),
        r.threshold(),
        r.anomalous(),
        r.warmingUp(),
        r.filledValues(),
        r.modelVersion(),
        r.status(),
        false,
        values);
  }

  @Test
  void saysWhenTheStalenessBoundReleasedTheWindow() throws Exception {
    AnomalyRecord r =
        record(new String[] {"temp"}, new float[] {0.8f}, new float[] {1f}, new float[] {71.4f}, 0);
    AnomalyRecord timedOut =
        new AnomalyRecord(
            r.sensorId(),
            r.windowStart(),
            r.windowEnd(),
            r.reconstructionError(),
            r.featureNames(),
            r.featureErrors(),
            r.attribution(),
            r.predictions(),
            r.predictionTimestamps(),
            r.predictionError(),
            r.anomalyScore(),
            r.threshold(),
            r.anomalous(),
            r.warmingUp(),
            r.filledValues(),
            r.modelVersion(),
            r.status(),
            true,
            new float[0]);

    assertThat(JSON.readTree(RecordJson.resultBytes(r)).get("releasedByTimeout").isBoolean())
        .isTrue();
    assertThat(JSON.readTree(RecordJson.resultBytes(r)).get("releasedByTimeout").asBoolean())
        .isFalse();
    assertThat(RecordJson.result(timedOut))
        .endsWith("\"status\":\"OK\",\"releasedByTimeout\":true}");
    assertThat(timedOut.withCalibration(0.1, false, true).releasedByTimeout())
        .as("calibration keeps the flag")
        .isTrue();
  }

  @Test
  void everyValueReadsBackExactlyAndNonFiniteOnesAreNull() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    String[] names = {
      "temp", "vibration", "current", "pressure", "flow", "rpm", "voltage", "humidité"
    };
    for (int n = 0; n < 500; n++) {
      float[] errors = new float[names.length];
      float[] attribution = new float[names.length];
      float[] predictions = new float[2 * names.length];
      for (float[] values : List.of(errors, attribution, predictions)) {
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-30, 30)));
        }
      }
      errors[random.nextInt(names.length)] = Float.NaN;
      predictions[random.nextInt(predictions.length)] = Float.POSITIVE_INFINITY;
      double predictionError = random.nextDouble() * 1e-3;
      JsonNode json =
          JSON.readTree(
              RecordJson.resultBytes(
                  record(names, errors, attribution, predictions, predictionError)));

      for (int f = 0; f < names.length; f++) {
        assertReadsBack(json.get("featureErrors").get(names[f]), errors[f]);
        for (int p = 0; p < 2; p++) {
          assertReadsBack(
              json.get("predictions").get(p).get("values").get(names[f]),
              predictions[p * names.length + f]);
        }
      }
      assertThat(json.get("predictionError").doubleValue()).isEqualTo(predictionError);

      List<Float> shares = new ArrayList<>();
      for (JsonNode share : json.get("attribution")) {
        int f = List.of(names).indexOf(share.get("feature").asText());
        assertReadsBack(share.get("share"), attribution[f]);
        shares.add(attribution[f]);
      }
      assertThat(shares).hasSize(names.length).isSortedAccordingTo((a, b) -> Float.compare(b, a));
    }
  }

  @Test
  void equalSharesKeepTheFeatureOrder() throws Exception {
    String[] names = {"a", "b", "c", "d"};
    JsonNode json =
        JSON.readTree(
            RecordJson.result(
                record(
                    names, new float[4], new float[] {0.25f, 0.5f, 0.25f, 0f}, new float[4], 0)));
    List<String> order = new ArrayList<>();
    json.get("attribution").forEach(share -> order.add(share.get("feature").asText()));
    assertThat(order).containsExactly("b", "a", "c", "d");
  }

  private static void assertReadsBack(JsonNode node, float expected) {
    if (Float.isFinite(expected)) {
      assertThat(node.isNumber()).as("%s", node).isTrue();
      assertThat(Float.parseFloat(node.asText())).isEqualTo(expected);
    } else {
      assertThat(node.isNull()).as("%s", node).isTrue();
    }
  }
}
