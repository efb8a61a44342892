package io.streamae.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamae.exporter.ResultsExporter;
import io.streamae.job.ConfigLoader;
import io.streamae.job.JobConfig;
import io.streamae.job.JobOptions;
import io.streamae.job.ScoringJobMain;
import io.streamae.scoring.ScoringMetrics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * The deployment files under {@code jobs/} and {@code docker/} stay consistent with the code and
 * the pom: they parse, every job file passes the job's own validation, referenced files exist,
 * scrape targets and dashboard queries match what the job exports, and {@code docker/.env} carries
 * the pom's versions.
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final Path DOCKER = ROOT.resolve("docker");
  private static final Path JOBS = ROOT.resolve("jobs");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:-[^}]*)?}");

  /** docker/.env keys that must equal a pom property. */
  private static final Map<String, String> MIRRORED =
      Map.of(
          "FLINK_VERSION", "flink.version",
          "FLINK_CONNECTOR_KAFKA_VERSION", "flink.connector.kafka.version",
          "KAFKA_VERSION", "kafka.version",
          "DL4J_VERSION", "dl4j.version",
          "JAVACPP_PLATFORM", "javacpp.platform",
          "JAVA_VERSION", "maven.compiler.release",
          "STREAMAE_VERSION", "project.version");

  // --- versions --------------------------------------------------------------------------------

  @Test
  void envMirrorsThePomVersions() throws Exception {
    Map<String, String> pom = pomProperties();
    Map<String, String> env = env();

    MIRRORED.forEach(
        (key, property) ->
            assertThat(env.get(key))
                .as("docker/.env %s vs pom %s", key, property)
                .isNotNull()
                .isEqualTo(pom.get(property)));
    // Any other .env key named after a pom property must agree as well.
    pom.forEach(
        (property, value) -> {
          String key = property.toUpperCase(java.util.Locale.ROOT).replaceAll("[.-]", "_");
          if (env.containsKey(key)) {
            assertThat(env.get(key)).as("docker/.env %s vs pom %s", key, property).isEqualTo(value);
          }
        });
  }

  @Test
  void noVersionIsWrittenTwice() throws Exception {
    Map<String, String> pom = pomProperties();
    for (Path file : List.of(DOCKER.resolve("compose.yaml"), DOCKER.resolve("flink/Dockerfile"))) {
      String text = Files.readString(file);
      for (String property : List.of("flink.version", "kafka.version", "dl4j.version")) {
        assertThat(text)
            .as("%s repeats %s", ROOT.relativize(file), property)
            .doesNotContain(pom.get(property));
      }
    }
  }

  // --- compose ---------------------------------------------------------------------------------

  @Test
  void composeParsesAndUsesOnlyDefinedVariables() throws Exception {
    String text = Files.readString(DOCKER.resolve("compose.yaml"));
    JsonNode compose = compose();
    Map<String, String> env = env();

    assertThat(names(compose.get("services")))
        .contains(
            "kafka",
            "kafka-init",
            "trainer",
            "jobmanager",
            "taskmanager",
            "job-submitter",
            "simulator",
            "results-exporter",
            "prometheus",
            "grafana");
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      assertThat(m.group(2) != null || env.containsKey(m.group(1)))
          .as("${%s} is defined in docker/.env or has a default", m.group(1))
          .isTrue();
    }
    assertThat(compose.at("/services/kafka/image").asText())
        .isEqualTo("apache/kafka:${KAFKA_VERSION}");
    assertThat(Files.readString(DOCKER.resolve("flink/Dockerfile")))
        .contains("FROM flink:${FLINK_VERSION}-java${JAVA_VERSION}");
  }

  @Test
  void composeReferencesExistingFiles() throws Exception {
    JsonNode compose = compose();
    Set<String> jars = shadedJars();
    List<String> checked = new ArrayList<>();
    for (JsonNode service : iterable(compose.get("services"))) {
      for (JsonNode volume : iterable(service.path("volumes"))) {
        String source = volume.asText().split(":")[0];
        if (!source.startsWith(".")) {
          continue; // a named volume
        }
        Path path = DOCKER.resolve(source).normalize();
        if (path.startsWith(ROOT.resolve("target"))) {
          assertThat(jars)
              .as("%s is built by the pom's shade plugin", source)
              .contains(path.getFileName().toString());
        } else {
          assertThat(path).as("volume source %s", source).exists();
        }
        checked.add(source);
      }
    }
    JsonNode build = compose.at("/x-flink/build");
    Path context = DOCKER.resolve(build.get("context").asText()).normalize();
    Path dockerfile = context.resolve(build.get("dockerfile").asText());
    assertThat(dockerfile).exists();
    for (String line : Files.readAllLines(dockerfile)) {
      if (line.startsWith("COPY ") && !line.contains("--from=")) {
        String source = line.split("\\s+")[1];
        Path path = context.resolve(source).normalize();
        if (path.startsWith(ROOT.resolve("target"))) {
          assertThat(jars).contains(path.getFileName().toString());
        } else {
          assertThat(path).as("Dockerfile COPY %s", source).exists();
        }
      }
    }
    for (Matcher m = Pattern.compile("ARG (\\w+)").matcher(Files.readString(dockerfile));
        m.find(); ) {
      assertThat(names(build.get("args"))).as("build arg %s", m.group(1)).contains(m.group(1));
    }
    assertThat(checked).isNotEmpty();
  }

  @Test
  void flinkRunsTheVectorKernelNeedsNoNd4jAndReportsToPrometheus() throws Exception {
    JsonNode compose = compose();
    Map<String, String> properties = flinkProperties(compose);

    assertThat(properties)
        .doesNotContainKey("classloader.parent-first-patterns.additional")
        .containsEntry("env.java.opts.taskmanager", "--add-modules jdk.incubator.vector")
        .containsEntry(
            "metrics.reporter.prom.factory.class",
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus/prometheus.yml").toFile());
    Set<String> targets = new TreeSet<>();
    for (JsonNode job : iterable(prometheus.get("scrape_configs"))) {
      for (JsonNode config : iterable(job.get("static_configs"))) {
        config.get("targets").forEach(t -> targets.add(t.asText()));
      }
    }
    String flinkPort = properties.get("metrics.reporter.prom.port");
    assertThat(targets)
        .contains(
            "jobmanager:" + flinkPort,
            "taskmanager:" + flinkPort,
            "results-exporter:" + ResultsExporter.DEFAULT_PORT);
    for (String target : targets) {
      assertThat(names(compose.get("services"))).contains(target.split(":")[0]);
    }
    assertThat(compose.at("/services/results-exporter/command").toString())
        .contains(ResultsExporter.class.getName(), "\"" + ResultsExporter.DEFAULT_PORT + "\"");
  }

  // --- grafana ---------------------------------------------------------------------------------

  @Test
  void dashboardIsProvisionedAndQueriesWhatTheJobExports() throws Exception {
    JsonNode dashboard = JSON.readTree(DOCKER.resolve("grafana/dashboards/streamae.json").toFile());
    JsonNode datasources =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml").toFile());
    JsonNode providers =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/dashboards/streamae.yaml").toFile());
    JsonNode compose = compose();
    String uid = datasources.at("/datasources/0/uid").asText();

    assertThat(compose.at("/services/grafana/volumes").toString())
        .contains("./grafana/dashboards:" + providers.at("/providers/0/options/path").asText());
    assertThat(dashboard.get("uid").asText()).isEqualTo("streamae");
    Set<Integer> ids = new HashSet<>();
    StringBuilder queries = new StringBuilder();
    for (JsonNode panel : iterable(dashboard.get("panels"))) {
      assertThat(ids.add(panel.get("id").asInt())).as("unique panel id").isTrue();
      assertThat(panel.at("/datasource/uid").asText()).isEqualTo(uid);
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : iterable(panel.get("targets"))) {
        assertThat(target.get("expr").asText()).isNotBlank();
        queries.append(target.get("expr").asText()).append('\n');
      }
    }
    String prefix = "flink_taskmanager_job_task_operator_" + ScoringMetrics.GROUP + "_";
    assertThat(queries.toString())
        .contains(prefix + ScoringMetrics.SCORING + "_" + ScoringMetrics.WINDOWS_SCORED)
        .contains(
            "streamae_anomaly_score",
            "streamae_threshold",
            "streamae_reconstruction_error",
            "streamae_feature_error",
            "streamae_dead_letters_total",
            "pendingRecords");
    ResultsExporter.Registry registry = new ResultsExporter.Registry();
    for (String metric :
        List.of(
            "streamae_anomaly_score",
            "streamae_threshold",
            "streamae_reconstruction_error",
            "streamae_feature_error",
            "streamae_dead_letters_total",
            "streamae_anomalies_total")) {
      assertThat(registry.render())
          .as("the exporter serves %s", metric)
          .contains("# TYPE " + metric + " ");
    }
  }

  // --- jobs ------------------------------------------------------------------------------------

  @Test
  void everyJobFilePassesTheJobsValidation() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(JOBS)) {
      files = walk.filter(p -> p.getFileName().toString().equals("job.yaml")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      Configuration conf = ConfigLoader.load(file, List.of());
      assertThat(JobConfig.from(conf)).as(ROOT.relativize(file).toString()).isNotNull();
    }
  }

  @Test
  void scoringJobFileListsEveryOptionWithItsDefault() throws Exception {
    Path file = JOBS.resolve("scoring/job.yaml");
    Configuration conf = ConfigLoader.load(file, List.of());
    String text = Files.readString(file);
    Set<String> deliberate =
        Set.of(
            JobOptions.SOURCE.key(),
            JobOptions.MODEL_PATH.key(),
            KafkaOptions.KAFKA_BOOTSTRAP_SERVERS.key());
    for (ConfigOption<?> option : options()) {
      String key = option.key();
      String leaf = key.substring(key.lastIndexOf('.') + 1);
      if (conf.containsKey(key)) {
        if (option.hasDefaultValue() && !deliberate.contains(key)) {
          assertThat(conf.get(option))
              .as("%s in job.yaml is its default", key)
              .isEqualTo(option.defaultValue());
        }
      } else {
        assertThat(text)
            .as("%s is at least listed, commented out", key)
            .containsPattern("(?m)^\\s*#\\s*" + Pattern.quote(leaf) + ":");
      }
    }
    assertThat(JobConfig.from(conf).source()).isEqualTo("kafka");
  }

  @Test
  void submitScriptAndFlinkDeploymentStartTheScoringJob() throws Exception {
    String submit = Files.readString(JOBS.resolve("scoring/submit.sh"));
    assertThat(submit)
        .doesNotContain("-c " + ScoringJobMain.class.getName())
        .contains("target/streamae-job.jar", "FLINK_HOME")
        .contains("jobs/scoring/job.yaml".substring("jobs/scoring/".length()));
    assertThat(shadedJars()).contains("streamae-job.jar");

    JsonNode deployment = YAML.readTree(JOBS.resolve("scoring/flinkdeployment.yaml").toFile());
    Map<String, String> pom = pomProperties();
    String[] flink = pom.get("flink.version").split("\\.");
    assertThat(deployment.get("kind").asText()).isEqualTo("FlinkDeployment");
    assertThat(deployment.at("/spec/flinkVersion").asText())
        .isEqualTo("v" + flink[0] + "_" + flink[1]);
    assertThat(deployment.at("/spec/job/entryClass").isMissingNode())
        .as("entry class left to the job jar's manifest")
        .isTrue();
    assertThat(deployment.at("/spec/job/jarURI").asText()).endsWith("/streamae-job.jar");
    assertThat(
            deployment
                .at("/spec/flinkConfiguration/classloader.parent-first-patterns.additional")
                .isMissingNode())
        .as("nothing of ND4J on the cluster")
        .isTrue();
    assertThat(deployment.at("/spec/flinkConfiguration/env.java.opts.taskmanager").asText())
        .isEqualTo("--add-modules jdk.incubator.vector");
    Matcher plugin =
        Pattern.compile("flink-[a-z0-9-]+-(\\d+\\.\\d+\\.\\d+)\\.jar")
            .matcher(deployment.at("/spec/podTemplate").toString());
    while (plugin.find()) {
      assertThat(plugin.group(1)).as("plugin version").isEqualTo(pom.get("flink.version"));
    }
    // Its arguments pass the job's validation, with the image's job.yaml taken from the repo.
    List<String> args = new ArrayList<>();
    deployment.at("/spec/job/args").forEach(a -> args.add(a.asText()));
    int config = args.indexOf("--config");
    assertThat(Path.of(args.get(config + 1)).getFileName().toString()).isEqualTo("job.yaml");
    args.set(config + 1, JOBS.resolve("scoring/job.yaml").toString());
    Configuration conf = ScoringJobMain.configuration(args.toArray(String[]::new));
    assertThat(JobConfig.from(conf).kafka().exactlyOnce()).isTrue();
  }

  @Test
  void trainingWrapperPassesOnlyOptionsTheTrainCommandHas() throws Exception {
    Set<String> options = new TreeSet<>();
    CommandLine train = new CommandLine(Class.forName("io.streamae.cli.TrainCommand"));
    train.getCommandSpec().options().forEach(o -> options.addAll(List.of(o.names())));
    String script = Files.readString(JOBS.resolve("training/train.sh"));
    String readme = Files.readString(JOBS.resolve("training/README.md"));

    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\s+(--[a-z-]+) ").matcher(script);
    while (m.find()) {
      used.add(m.group(1));
    }
    assertThat(used).isNotEmpty();
    assertThat(options).containsAll(used);
    for (String option : options) {
      if (!option.equals("--help")
          && !option.equals("-h")
          && !option.equals("--version")
          && !option.equals("-V")) {
        assertThat(used.contains(option) || script.contains(option) && readme.contains(option))
            .as("train option %s is passed by train.sh or documented as appended", option)
            .isTrue();
      }
    }
  }

  @Test
  void scriptsAreExecutable() throws Exception {
    try (Stream<Path> walk = Stream.concat(Files.walk(JOBS), Files.walk(DOCKER))) {
      for (Path script : walk.filter(p -> p.toString().endsWith(".sh")).toList()) {
        assertThat(Files.isExecutable(script)).as(ROOT.relativize(script).toString()).isTrue();
        assertThat(Files.readAllLines(script).get(0)).startsWith("#!/usr/bin/env bash");
      }
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * compose.yaml as Compose reads it: SnakeYAML resolves the anchors, aliases and {@code <<} merge
   * keys that Jackson's YAML parser leaves alone.
   */
  private static JsonNode compose() throws IOException {
    Object tree =
        new org.yaml.snakeyaml.Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
    return JSON.valueToTree(tree);
  }

  private static Map<String, String> env() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(DOCKER.resolve(".env"), StandardCharsets.UTF_8)) {
      String trimmed = line.trim();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        int eq = trimmed.indexOf('=');
        env.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
      }
    }
    return env;
  }

  /** The pom's {@code <properties>} plus {@code project.version}. */
  private static Map<String, String> pomProperties() throws Exception {
    Document pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(ROOT.resolve("pom.xml").toFile());
    Map<String, String> properties = new LinkedHashMap<>();
    NodeList sections = pom.getDocumentElement().getElementsByTagName("properties");
    NodeList children = sections.item(0).getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      Node node = children.item(i);
      if (node instanceof Element element) {
        properties.put(element.getTagName(), element.getTextContent().trim());
      }
    }
    for (Node n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element element && element.getTagName().equals("version")) {
        properties.put("project.version", element.getTextContent().trim());
      }
    }
    return properties;
  }

  /** File names of the shade plugin's output jars, e.g. {@code streamae-job.jar}. */
  private static Set<String> shadedJars() throws IOException {
    Set<String> jars = new TreeSet<>();
    Matcher m =
        Pattern.compile("<outputFile>\\$\\{project.build.directory}/([^<]+)</outputFile>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (m.find()) {
      jars.add(m.group(1));
    }
    return jars;
  }

  /** The FLINK_PROPERTIES block the Flink services share. */
  private static Map<String, String> flinkProperties(JsonNode compose) throws IOException {
    String block = compose.at("/services/jobmanager/environment/FLINK_PROPERTIES").asText();
    assertThat(compose.at("/services/taskmanager/environment/FLINK_PROPERTIES").asText())
        .isEqualTo(block);
    Map<String, String> properties = new LinkedHashMap<>();
    JsonNode parsed = YAML.readTree(block);
    parsed.fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
    return properties;
  }

  private static List<ConfigOption<?>> options() throws IllegalAccessException {
    List<ConfigOption<?>> options = new ArrayList<>();
    for (Field f : JobOptions.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
        options.add((ConfigOption<?>) f.get(null));
      }
    }
    return options;
  }

  private static Set<String> names(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Iterable<JsonNode> iterable(JsonNode node) {
    List<JsonNode> items = new ArrayList<>();
    if (node != null) {
      node.elements().forEachRemaining(items::add);
    }
    return items;
  }
}
