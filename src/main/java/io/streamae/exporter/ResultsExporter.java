package io.streamae.exporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.streamae.job.JobConfig;
import io.streamae.job.ScoringJobMain;
import io.streamae.kafka.KafkaSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the scoring job's outputs as Prometheus metrics, for the per-sensor dashboard panels
 * (Flink's own metrics cover throughput, lag and rejections, but not per-sensor scores).
 *
 * <p>Place: beside the Flink job, not in it. Input: {@code kafka.output-topic} (result JSON) and
 * {@code kafka.dead-letter-topic} (its {@code reason} and {@code stage} headers), read with {@code
 * isolation.level=read_committed} from the latest offsets under group {@code
 * <kafka.group-id>-exporter}. Output: {@code GET /metrics} in the Prometheus text format, for every
 * sensor seen (at most {@value Registry#MAX_SENSORS}): the latest {@code streamae_anomaly_score},
 * {@code streamae_reconstruction_error}, {@code streamae_prediction_error}, {@code
 * streamae_threshold}, {@code streamae_feature_error{feature=...}}, the latest reading {@code
 * streamae_value{feature=...}} and the model's earlier prediction for it {@code
 * streamae_expected_value{feature=...}}, {@code streamae_anomalous}, {@code
 * streamae_window_end_seconds}, {@code streamae_model_info{model_version=...}} (always 1: the
 * version is the label), and counters {@code streamae_results_total}, {@code
 * streamae_anomalies_total}; plus {@code streamae_dead_letters_total{reason, stage}}.
 *
 * <pre>
 * java -cp target/streamae.jar io.streamae.exporter.ResultsExporter --port 9464 \
 *     --config jobs/scoring/job.yaml --kafka.bootstrap-servers kafka:9092
 * </pre>
 */
public final class ResultsExporter {
  private static final Logger LOG = LoggerFactory.getLogger(ResultsExporter.class);

  /** Default HTTP port (the one Prometheus' registry of default ports lists for exporters). */
  public static final int DEFAULT_PORT = 9464;

  private ResultsExporter() {}

  public static void main(String[] args) throws Exception {
    int port = DEFAULT_PORT;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port") && i + 1 < args.length) {
        port = Integer.parseInt(args[++i]);
      } else {
        rest.add(args[i]);
      }
    }
    Configuration conf = ScoringJobMain.configuration(rest.toArray(String[]::new));
    KafkaSettings kafka = JobConfig.from(conf).kafka();
    Registry registry = new Registry();
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = registry.render().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    Properties props = consumerProperties(kafka);
    LOG.info(
        "exporting {} and {} on port {}; client properties {}",
        kafka.outputTopic(),
        kafka.deadLetterTopic(),
        port,
        KafkaSettings.redacted(props));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      Thread main = Thread.currentThread();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    consumer.wakeup();
                    try {
                      main.join(5_000);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      consumer.subscribe(List.of(kafka.outputTopic(), kafka.deadLetterTopic()));
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          if (record.topic().equals(kafka.outputTopic())) {
            registry.result(record.value());
          } else {
            registry.deadLetter(header(record, "reason"), header(record, "stage"));
          }
        }
      }
    } catch (WakeupException stopping) {
      LOG.info("stopping");
    } finally {
      server.stop(0);
    }
  }

  static Properties consumerProperties(KafkaSettings kafka) {
    Properties props = new Properties();
    props.putAll(kafka.properties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId() + "-exporter");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "unknown" : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The exported values; thread-safe (the poll loop writes, the HTTP server reads). */
  public static final class Registry {
    /** Sensors beyond this many are counted, not exported, to bound the series count. */
    static final int MAX_SENSORS = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Sensor> sensors = new TreeMap<>();
    private final Map<String, long[]> deadLetters = new TreeMap<>();
    private long unreadable;
    private long droppedSensors;

    /** The latest result of one sensor and its counts. */
    private static final class Sensor {
      double score = Double.NaN;
      double error = Double.NaN;
      double threshold = Double.NaN;
      double windowEnd = Double.NaN;
      boolean anomalous;
      boolean warmingUp;
      double predictionError = Double.NaN;
      String modelVersion;
      final Map<String, Double> featureErrors = new TreeMap<>();
      final Map<String, Double> values = new TreeMap<>();
      final Map<String, Double> expected = new TreeMap<>();
      // The latest record's predictions, by the event time they are for.
      final Map<Long, JsonNode> predictions = new TreeMap<>();
      long results;
      long anomalies;
    }

    /** Takes in one result record value (JSON); unreadable ones are counted. */
    public synchronized void result(byte[] value) {
      JsonNode json;
      try {
        json = value == null ? null : JSON.readTree(value);
      } catch (IOException e) {
        json = null;
      }
      if (json == null || !json.hasNonNull("sensorId")) {
        unreadable++;
        return;
      }
      String id = json.get("sensorId").asText();
      Sensor sensor = sensors.get(id);
      if (sensor == null) {
        if (sensors.size() >= MAX_SENSORS) {
          droppedSensors++;
          return;
        }
        sensor = new Sensor();
        sensors.put(id, sensor);
      }
      long windowEnd = json.path("windowEnd").asLong(Long.MIN_VALUE);
      JsonNode predicted = sensor.predictions.get(windowEnd);
      sensor.values.clear();
      sensor.expected.clear();
      Iterator<Map.Entry<String, JsonNode>> readings =
          json.path("lastReading").path("values").fields();
      while (readings.hasNext()) {
        Map.Entry<String, JsonNode> f = readings.next();
        sensor.values.put(
            f.getKey(), f.getValue().isNumber() ? f.getValue().asDouble() : Double.NaN);
        JsonNode p = predicted == null ? null : predicted.get(f.getKey());
        sensor.expected.put(f.getKey(), p != null && p.isNumber() ? p.asDouble() : Double.NaN);
      }
      sensor.predictions.clear();
      for (JsonNode step : json.path("predictions")) {
        if (step.path("ts").canConvertToLong()) {
          sensor.predictions.put(step.get("ts").asLong(), step.path("values"));
        }
      }
      sensor.predictionError = number(json, "predictionError");
      sensor.modelVersion =
          json.path("modelVersion").isTextual() ? json.get("modelVersion").asText() : null;
      sensor.score = number(json, "anomalyScore");
      sensor.error = number(json, "reconstructionError");
      sensor.threshold = number(json, "threshold");
      sensor.windowEnd = number(json, "windowEnd") / 1000.0;
      sensor.anomalous = json.path("anomalous").asBoolean(false);
      sensor.warmingUp = json.path("warmingUp").asBoolean(false);
      Iterator<Map.Entry<String, JsonNode>> features = json.path("featureErrors").fields();
      while (features.hasNext()) {
        Map.Entry<String, JsonNode> f = features.next();
        JsonNode error = f.getValue();
        sensor.featureErrors.put(f.getKey(), error.isNumber() ? error.asDouble() : Double.NaN);
      }
      sensor.results++;
      if (sensor.anomalous) {
        sensor.anomalies++;
      }
    }

    /** Counts one dead letter. */
    public synchronized void deadLetter(String reason, String stage) {
      deadLetters.computeIfAbsent(reason + "\u0000" + stage, k -> new long[1])[0]++;
    }

    /** The Prometheus text exposition of everything seen so far. */
    public synchronized String render() {
      StringBuilder out = new StringBuilder();
      gauge(
          out,
          "streamae_anomaly_score",
          "Latest anomaly score in [0, 1] (0 while the sensor warms up).",
          s -> s.score);
      gauge(
          out,
          "streamae_reconstruction_error",
          "Latest window reconstruction error (normalised units).",
          s -> s.error);
      gauge(
          out,
          "streamae_prediction_error",
          "Latest error of the model's previous next-step prediction (normalised units).",
          s -> s.predictionError);
      gauge(
          out,
          "streamae_threshold",
          "The model's threshold on the reconstruction error.",
          s -> s.threshold);
      gauge(
          out,
          "streamae_anomalous",
          "1 if the latest window was anomalous, else 0.",
          s -> s.anomalous ? 1 : 0);
      gauge(
          out,
          "streamae_warming_up",
          "1 while the sensor's scores are still 0 because its error history is being learnt.",
          s -> s.warmingUp ? 1 : 0);
      gauge(
          out,
          "streamae_window_end_seconds",
          "Event time of the latest window's end.",
          s -> s.windowEnd);
      header(
          out,
          "streamae_feature_error",
          "gauge",
          "Latest per-feature reconstruction error (normalised units).");
      sensors.forEach(
          (id, s) ->
              s.featureErrors.forEach(
                  (feature, value) ->
                      sample(
                          out,
                          "streamae_feature_error",
                          String.format(
                              "sensor=\"%s\",feature=\"%s\"", escape(id), escape(feature)),
                          value)));
      perFeature(
          out,
          "streamae_value",
          "The window's last reading, per feature (original units).",
          s -> s.values);
      perFeature(
          out,
          "streamae_expected_value",
          "The model's earlier next-step prediction for that reading, per feature (original units).",
          s -> s.expected);
      header(
          out,
          "streamae_model_info",
          "gauge",
          "Always 1; the label model_version names the model that scored the sensor's latest window.");
      sensors.forEach(
          (id, s) -> {
            if (s.modelVersion != null) {
              sample(
                  out,
                  "streamae_model_info",
                  String.format(
                      "sensor=\"%s\",model_version=\"%s\"", escape(id), escape(s.modelVersion)),
                  1);
            }
          });
      counter(out, "streamae_results_total", "Results read per sensor.", s -> s.results);
      counter(
          out, "streamae_anomalies_total", "Anomalous results read per sensor.", s -> s.anomalies);
      header(out, "streamae_dead_letters_total", "counter", "Dead letters by reason and stage.");
      deadLetters.forEach(
          (key, count) -> {
            String[] parts = key.split("\u0000", 2);
            sample(
                out,
                "streamae_dead_letters_total",
                String.format("reason=\"%s\",stage=\"%s\"", escape(parts[0]), escape(parts[1])),
                count[0]);
          });
      header(
          out,
          "streamae_exporter_unreadable_total",
          "counter",
          "Result records that were not result JSON.");
      sample(out, "streamae_exporter_unreadable_total", null, unreadable);
      header(
          out,
          "streamae_exporter_dropped_sensors_total",
          "counter",
          String.format("Results of sensors beyond the first %d, not exported.", MAX_SENSORS));
      sample(out, "streamae_exporter_dropped_sensors_total", null, droppedSensors);
      return out.toString();
    }

    private interface Value {
      double of(Sensor sensor);
    }

    private void gauge(StringBuilder out, String name, String help, Value value) {
      header(out, name, "gauge", help);
      sensors.forEach(
          (id, s) -> sample(out, name, String.format("sensor=\"%s\"", escape(id)), value.of(s)));
    }

    private interface PerFeature {
      Map<String, Double> of(Sensor sensor);
    }

    private void perFeature(StringBuilder out, String name, String help, PerFeature values) {
      header(out, name, "gauge", help);
      sensors.forEach(
          (id, s) ->
              values
                  .of(s)
                  .forEach(
                      (feature, value) ->
                          sample(
                              out,
                              name,
                              String.format(
                                  "sensor=\"%s\",feature=\"%s\"", escape(id), escape(feature)),
                              value)));
    }

    private void counter(StringBuilder out, String name, String help, Value value) {
      header(out, name, "counter", help);
      sensors.forEach(
          (id, s) -> sample(out, name, String.format("sensor=\"%s\"", escape(id)), value.of(s)));
    }

    private static void header(StringBuilder out, String name, String type, String help) {
      out.append("# HELP ").append(name).append(' ').append(help).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
      out.append(name);
      if (labels != null) {
        out.append('{').append(labels).append('}');
      }
      out.append(' ').append(format(value)).append('\n');
    }

    private static String format(double value) {
      if (Double.isNaN(value)) {
        return "NaN";
      }
      if (Double.isInfinite(value)) {
        return value > 0 ? "+Inf" : "-Inf";
      }
      if (value == Math.rint(value) && Math.abs(value) < 1e15) {
        return Long.toString((long) value);
      }
      return String.format(Locale.ROOT, "%s", value);
    }

    private static double number(JsonNode json, String field) {
      JsonNode node = json.get(field);
      return node != null && node.isNumber() ? node.asDouble() : Double.NaN;
    }

    /** Escapes a label value as the text format requires. */
    static String escape(String value) {
      return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
  }
}
