package io.streamae.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamae.exporter.ResultsExporter;
import io.streamae.job.JobConfig;
import io.streamae.job.ScoringJobMain;
import io.streamae.model.io.ModelBundle;
import io.streamae.testkit.KafkaBroker;
import io.streamae.testkit.PoisonMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of the docker stack's Grafana dashboard and alert rules names a metric that is really
 * emitted: the cluster job runs from Kafka to Kafka on a MiniCluster whose metric reporter records
 * every metric under the name Flink's Prometheus reporter gives it ({@code flink_} + the logical
 * scope + the name, invalid characters as {@code _}), and the results exporter renders what it read
 * from the job's topics. A panel whose metric was renamed, or never existed, fails here instead of
 * showing "No data".
 */
class MonitoringQueriesITCase {
  private static final Path DOCKER = Paths.get("docker");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final long T0 = (System.currentTimeMillis() / 1000 - 3600) * 1000;

  /** Prometheus names (and their label names) of every metric the MiniCluster registered. */
  static final Map<String, Set<String>> FLINK_METRICS = new ConcurrentHashMap<>();

  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(reporterConfiguration())
              .build());

  @TempDir static Path models;
  private static ModelBundle bundle;
  private static String modelPath;

  private static Configuration reporterConfiguration() {
    Configuration conf = new Configuration();
    conf.setString("metrics.reporters", "collect");
    conf.setString(
        "metrics.reporter.collect.factory.class", CollectingReporterFactory.class.getName());
    return conf;
  }

  @BeforeAll
  static void trainModel() throws Exception {
    Path file = models.resolve("sine.sae");
    bundle = SineSensors.trainModel(file);
    modelPath = file.toString();
  }

  @Test
  void everyDashboardAndAlertQueryNamesAnEmittedMetric() throws Exception {
    String input = KAFKA.createTopic("readings", 2);
    String output = KAFKA.createTopic("results", 2);
    String deadLetters = KAFKA.createTopic("dead-letters", 1);
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (SineSensors.Reading r : SineSensors.readings(List.of("pump-1", "pump-2"), 40, T0)) {
        producer.send(
            new ProducerRecord<>(
                input, r.sensorId().getBytes(StandardCharsets.UTF_8), r.payload()));
      }
      producer.send(new ProducerRecord<>(input, PoisonMessages.NOT_JSON.payload()));
      producer.flush();
    }
    String[] args = {
      "--model.path",
      modelPath,
      "--kafka.bootstrap-servers",
      KAFKA.bootstrapServers(),
      "--kafka.input-topic",
      input,
      "--kafka.output-topic",
      output,
      "--kafka.dead-letter-topic",
      deadLetters,
      "--kafka.group-id",
      "monitoring-" + input,
      "--kafka.starting-offsets",
      "earliest",
      "--kafka.stopping-offsets",
      "latest",
      "--window.max-out-of-orderness",
      "1 s",
      "--parallelism.default",
      "2",
      "--execution.checkpointing.interval",
      "300 ms",
    };
    Configuration conf = ScoringJobMain.configuration(args);
    JobConfig config = JobConfig.from(conf);
    StreamExecutionEnvironment env = ScoringJobMain.environment(conf, config);
    ScoringJobMain.define(env, config, bundle.layout());
    JobClient client = env.executeAsync(ScoringJobMain.JOB_NAME);
    client.getJobExecutionResult().get(120, TimeUnit.SECONDS);

    // The results exporter on what the job wrote.
    ResultsExporter.Registry exporter = new ResultsExporter.Registry();
    for (ConsumerRecord<byte[], byte[]> r :
        KAFKA.readAll(output, 1, false, Duration.ofSeconds(30))) {
      exporter.result(r.value());
    }
    for (ConsumerRecord<byte[], byte[]> r :
        KAFKA.readAll(deadLetters, 1, false, Duration.ofSeconds(30))) {
      exporter.deadLetter(header(r, "reason"), header(r, "stage"));
    }
    Map<String, Set<String>> emitted = new TreeMap<>(FLINK_METRICS);
    emitted.putAll(exposition(exporter.render()));

    Map<String, String> queries = queries();
    assertThat(queries).hasSizeGreaterThan(15);
    List<String> problems = new ArrayList<>();
    queries.forEach((where, expr) -> problems.addAll(check(where, expr, emitted)));
    assertThat(problems).as("queries naming metrics nobody emits").isEmpty();
    assertThat(emitted)
        .containsKeys(
            "flink_taskmanager_job_task_operator_anomaly_model_modelVersion_info",
            "streamae_value",
            "streamae_expected_value",
            "streamae_model_info");
    assertThat(emitted.get("flink_taskmanager_job_task_operator_anomaly_model_modelVersion_info"))
        .contains("modelVersion");
  }

  /**
   * Every PromQL expression of the dashboard (panels, variables) and of the alert rules, by place.
   */
  private static Map<String, String> queries() throws Exception {
    Map<String, String> queries = new TreeMap<>();
    JsonNode dashboard = JSON.readTree(DOCKER.resolve("grafana/dashboards/streamae.json").toFile());
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.put(
            "panel '" + panel.get("title").asText() + "' " + target.get("refId").asText(),
            target.get("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String definition = variable.path("definition").asText();
      Matcher m = Pattern.compile("label_values\\(([^,]+),").matcher(definition);
      if (m.find()) {
        queries.put("variable " + variable.get("name").asText(), m.group(1));
      }
    }
    JsonNode alerts =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/alerting/streamae.yaml").toFile());
    for (JsonNode group : alerts.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        for (JsonNode data : rule.get("data")) {
          if (data.path("model").has("expr")) {
            queries.put(
                "alert '" + rule.get("title").asText() + "'",
                data.get("model").get("expr").asText());
          }
        }
      }
    }
    return queries;
  }

  private static final Pattern NAME_MATCHER = Pattern.compile("__name__\\s*=~\\s*\"([^\"]+)\"");
  private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"");
  private static final Pattern METRIC = Pattern.compile("\\b((?:flink|streamae)_[A-Za-z0-9_:]+)");

  private static List<String> check(String where, String expr, Map<String, Set<String>> emitted) {
    List<String> problems = new ArrayList<>();
    Matcher regex = NAME_MATCHER.matcher(expr);
    while (regex.find()) {
      Pattern names = Pattern.compile(regex.group(1));
      if (emitted.keySet().stream().noneMatch(n -> names.matcher(n).matches())) {
        problems.add(
            String.format("%s: no metric matches __name__=~\"%s\"", where, regex.group(1)));
      }
    }
    Matcher m = METRIC.matcher(QUOTED.matcher(expr).replaceAll("\"\""));
    int found = 0;
    while (m.find()) {
      found++;
      if (!emitted.containsKey(m.group(1))) {
        problems.add(String.format("%s: %s is not emitted", where, m.group(1)));
      }
    }
    if (found == 0 && !NAME_MATCHER.matcher(expr).find()) {
      problems.add(String.format("%s: names no metric (%s)", where, expr));
    }
    return problems;
  }

  /** Metric names and label names of a Prometheus text exposition. */
  private static Map<String, Set<String>> exposition(String text) {
    Map<String, Set<String>> metrics = new TreeMap<>();
    Pattern sample = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)(\\{(.*)\\})? .+");
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        metrics.computeIfAbsent(line.split(" ")[2], k -> new TreeSet<>());
      }
      Matcher m = sample.matcher(line);
      if (!line.startsWith("#") && m.matches()) {
        Set<String> labels = metrics.computeIfAbsent(m.group(1), k -> new TreeSet<>());
        if (m.group(3) != null) {
          Matcher label = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"").matcher(m.group(3));
          while (label.find()) {
            labels.add(label.group(1));
          }
        }
      }
    }
    return metrics;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "unknown" : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Records each metric under its Prometheus reporter name, with its label names. */
  public static final class CollectingReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new MetricReporter() {
        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
          CharacterFilter filter = s -> s.replaceAll("[^a-zA-Z0-9:_]", "_");
          String scope = LogicalScopeProvider.castFrom(group).getLogicalScope(filter, '_');
          String name = "flink_" + scope + "_" + filter.filterCharacters(metricName);
          Set<String> labels =
              FLINK_METRICS.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet());
          for (String variable : group.getAllVariables().keySet()) {
            labels.add(filter.filterCharacters(variable.replaceAll("[<>]", "")));
          }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {}
      };
    }
  }
}
