package io.streamae.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamae.bench.KafkaPipelineBenchmark;
import io.streamae.bench.PipelineBenchmark;
import io.streamae.kafka.DeadLetterSerializer;
import io.streamae.model.io.ModelBundle;
import io.streamae.testkit.KafkaBroker;
import io.streamae.testkit.PoisonMessages;
import io.streamae.testkit.StandaloneFlinkCluster;
import io.streamae.testkit.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster submission exactly as users do it: the shaded job jar ({@code streamae-job.jar}, Flink
 * and the training stack left out) submitted with {@code flink run -d streamae-job.jar ... --config
 * jobs/scoring/job.yaml} (no entry class: the manifest names {@link ScoringJobMain}), and through
 * the REST API as the Web UI does it ({@code /jars/upload}, then {@code /jars/:id/run}), to a
 * standalone session cluster of separate JVMs (JobManager and TaskManager with only a Flink
 * distribution on their classpath, see {@link StandaloneFlinkCluster}), reading and writing a real
 * KRaft broker ({@link KafkaBroker}).
 *
 * <p>Three sensors send 40 readings each, one a second, while the job runs; one reading per input
 * partition from a "clock" sensor a minute later moves the watermark past them, so every window
 * closes without stopping the job. Expected: 33 OK results per sensor (windows of 8, slide 1), once
 * each, a poison payload in the dead-letter topic, completed checkpoints with the consumer offsets
 * committed, no failure; then the job is cancelled through the REST API. The cluster's logs stay in
 * the temporary directory when the test fails (its path is logged at start).
 *
 * <p>Needs {@code streamae.job.jar} (set by the failsafe configuration to the jar of this build).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSubmissionITCase {
  /** Opt-in throughput run: readings per model and environment, e.g. 200000. */
  static final String BENCH_READINGS = "streamae.cluster.bench-readings";

  private static final List<String> SENSORS = List.of("pump-1", "pump-2", "pump-3");
  private static final int READINGS_PER_SENSOR = 40;
  private static final int TIMESTEPS = 8;
  private static final int PARTITIONS = 2;
  private static final long INTERVAL_MS = 1_000;

  /** Further than job.yaml's window.max-out-of-orderness (30 s) beyond the last reading. */
  private static final long CLOCK_AHEAD_MS = 60_000;

  /** First event time: an hour ago on a whole second (the parser refuses the future). */
  private static final long T0 = (System.currentTimeMillis() / 1000 - 3600) * 1000;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSubmissionITCase.class);

  /** No {@code -c}: the job jar's manifest names {@link ScoringJobMain}. */
  private static final String MAIN_CLASS = null;

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path work;

  private static StandaloneFlinkCluster flink;
  private static ModelBundle bundle;
  private static Path modelPath;
  private static String jobId;
  private static String input;
  private static String output;
  private static String deadLetters;

  @BeforeAll
  static void startClusterAndTrainModel() throws Exception {
    input = KAFKA.createTopic("readings", PARTITIONS);
    output = KAFKA.createTopic("results", PARTITIONS);
    deadLetters = KAFKA.createTopic("dead-letters", 1);
    modelPath = work.resolve("sine.sae");
    // Training (this JVM) overlaps the cluster's start-up (two other JVMs).
    CompletableFuture<ModelBundle> training =
        CompletableFuture.supplyAsync(
            () -> {
              ModelBundle trained = TestModels.sineBundle(TIMESTEPS, 2);
              try {
                trained.write(modelPath);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return trained;
            });
    // The TaskManager runs with the JVM options the deployment ships.
    JsonNode deployed =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("jobs/scoring/flinkdeployment.yaml").toFile())
            .get("spec")
            .get("flinkConfiguration");
    StandaloneFlinkCluster.Builder cluster =
        StandaloneFlinkCluster.builder(work.resolve("flink")).taskSlots(PARTITIONS);
    for (String key : List.of("env.java.opts.taskmanager")) {
      cluster.config(key, deployed.get(key).asText());
    }
    flink = cluster.start();
    bundle = training.get(2, TimeUnit.MINUTES);
  }

  @AfterAll
  static void cancelJobAndStopCluster() throws Exception {
    if (flink == null) {
      return;
    }
    try {
      if (jobId != null && flink.jobState(jobId).equals("RUNNING")) {
        flink.cancel(jobId, Duration.ofSeconds(30));
      }
    } finally {
      flink.close();
      flink = null;
    }
  }

  @Test
  @Order(1)
  void submittedJobJarScoresKafkaReadingsOnAStandaloneCluster() throws Exception {
    Path jobJar = jobJar();
    long started = System.nanoTime();
    String group = "cluster-it-" + input;
    jobId =
        flink.submitDetached(
            jobJar,
            MAIN_CLASS,
            List.of(
                "--config",
                "jobs/scoring/job.yaml",
                "--kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--kafka.input-topic",
                input,
                "--kafka.output-topic",
                output,
                "--kafka.dead-letter-topic",
                deadLetters,
                "--kafka.group-id",
                group,
                "--model.path",
                modelPath.toString(),
                // job.yaml checkpoints every 30 s with 10 s between checkpoints; sooner, so the
                // test sees the offsets of all its input committed within seconds.
                "--execution.checkpointing.interval",
                "2 s",
                "--execution.checkpointing.min-pause",
                "1 s"),
            Path.of("").toAbsolutePath());
    flink.awaitJobState(jobId, "RUNNING", Duration.ofSeconds(60));
    LOG.info("job {} submitted and running after {} s", jobId, seconds(started));

    int produced = produceReadingsAndPoison(input);

    int expected = SENSORS.size() * (READINGS_PER_SENSOR - TIMESTEPS + 1);
    List<ConsumerRecord<byte[], byte[]>> results =
        KAFKA.readAll(output, expected, false, Duration.ofSeconds(90));
    assertThat(results)
        .as("results of job %s; exceptions %s", jobId, flink.jobExceptions(jobId))
        .hasSize(expected);
    assertResults(results);
    LOG.info("{} results after {} s", results.size(), seconds(started));

    List<ConsumerRecord<byte[], byte[]>> dead =
        KAFKA.readAll(deadLetters, 1, false, Duration.ofSeconds(30));
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(PoisonMessages.NOT_JSON.payload());
    assertThat(header(dead.get(0), DeadLetterSerializer.REASON)).isEqualTo("MALFORMED_JSON");
    assertThat(header(dead.get(0), DeadLetterSerializer.SOURCE)).startsWith("kafka:" + input + "/");

    awaitCommittedOffsets(group, produced, Duration.ofSeconds(30));
    assertThat(flink.completedCheckpoints(jobId)).isPositive();
    assertThat(flink.jobExceptions(jobId)).as("failures and restarts").isEmpty();
    assertThat(flink.jobState(jobId)).isEqualTo("RUNNING");

    flink.cancel(jobId, Duration.ofSeconds(30));
    LOG.info("job {} checked and cancelled after {} s", jobId, seconds(started));
  }

  /**
   * Opt-in ({@code -Dstreamae.cluster.bench-readings=600000}): Kafka → Kafka throughput of the job
   * with job.yaml's settings ({@link KafkaPipelineBenchmark}), for the tiny test model and a model
   * of production shape (32 steps, 8 features, 64 cells; {@link PipelineBenchmark#configBBundle}),
   * submitted with {@code flink run} (attached) to this cluster and run on a MiniCluster in this
   * JVM. Each run's line is logged; every window must arrive.
   */
  @Test
  @Order(2)
  @EnabledIfSystemProperty(named = BENCH_READINGS, matches = "[1-9][0-9]*")
  void kafkaThroughput() throws Exception {
    if (jobId != null && flink.jobState(jobId).equals("RUNNING")) {
      flink.cancel(jobId, Duration.ofSeconds(30)); // its slots are needed here
    }
    int readings = Integer.getInteger(BENCH_READINGS);
    int sensors = 20;
    Path production = PipelineBenchmark.configBBundle(work.resolve("bench-B.sae"));
    Map<String, Path> models = new LinkedHashMap<>();
    models.put("tiny (8 steps, 2 features, 12 cells)", modelPath);
    models.put("production shape (32 steps, 8 features, 64 cells)", production);
    for (Map.Entry<String, Path> model : models.entrySet()) {
      int timesteps = ModelBundle.read(model.getValue()).layout().timesteps();
      long windows = (long) sensors * (readings / sensors - timesteps + 1);
      List<String> args =
          List.of(
              "--config", "jobs/scoring/job.yaml",
              "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
              "--model.path", model.getValue().toString(),
              "--readings", Integer.toString(readings),
              "--sensors", Integer.toString(sensors),
              "--partitions", Integer.toString(PARTITIONS),
              "--parallelism.default", Integer.toString(PARTITIONS));

      List<String> run = new ArrayList<>(List.of("run", "-m", flink.restAddress()));
      run.addAll(benchmarkEntry());
      run.addAll(args);
      StandaloneFlinkCluster.CliResult cli =
          flink.runCli(run, Path.of("").toAbsolutePath(), Duration.ofMinutes(20));
      String line =
          cli.stdout().lines().filter(l -> l.startsWith("bench kafka")).findFirst().orElse(null);
      assertThat(line).as("flink run output: %s %s", cli.stdout(), cli.stderr()).isNotNull();
      LOG.info("standalone cluster, {} model: {}", model.getKey(), line);
      assertThat(line).contains(" results=" + windows + " ");

      KafkaPipelineBenchmark.Result local = KafkaPipelineBenchmark.run(args.toArray(String[]::new));
      LOG.info("MiniCluster in this JVM, {} model: {}", model.getKey(), local.line());
      assertThat(local.results()).isEqualTo(windows);
    }

    // Latency at 7,500 readings/s (half of 15,000) on the cluster, production-shape model, input in
    // order per sensor (Kafka keeps a sensor's readings in order), watermarks every 10 ms.
    int latencyReadings = 900_000; // 2 min; the last minute is measured
    List<String> run = new ArrayList<>(List.of("run", "-m", flink.restAddress()));
    run.addAll(benchmarkEntry());
    run.addAll(
        List.of(
            "--config", "jobs/scoring/job.yaml",
            "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
            "--model.path", production.toString(),
            "--readings", Integer.toString(latencyReadings),
            "--sensors", Integer.toString(sensors),
            "--partitions", Integer.toString(PARTITIONS),
            "--parallelism.default", Integer.toString(PARTITIONS),
            "--rate", "7500",
            "--window.max-out-of-orderness", "0 s",
            "--pipeline.auto-watermark-interval", "10 ms",
            "--execution.buffer-timeout.interval", "5 ms"));
    StandaloneFlinkCluster.CliResult cli =
        flink.runCli(run, Path.of("").toAbsolutePath(), Duration.ofMinutes(10));
    String line =
        cli.stdout()
            .lines()
            .filter(l -> l.startsWith("bench kafka-latency"))
            .findFirst()
            .orElse(null);
    assertThat(line).as("flink run output: %s %s", cli.stdout(), cli.stderr()).isNotNull();
    LOG.info("standalone cluster, production shape model, at 7,500 readings/s: {}", line);
    long results = Long.parseLong(line.replaceAll(".* results=(\\d+) .*", "$1"));
    assertThat(results)
        .isBetween(
            (long) sensors * (latencyReadings / sensors - 32),
            (long) sensors * (latencyReadings / sensors - 32 + 1));
  }

  /**
   * One input partition pauses for longer than {@code window.idle-timeout} while the other runs on,
   * so the watermark passes the paused partition's next readings; then all input stops. Every
   * reading is in order for its sensor, so none may become a dead letter and every window must be
   * scored exactly once, the newest ones released by {@code window.max-staleness} (no watermark
   * ever passes them). Then an older reading (late), a reading with other values for a kept
   * timestamp (conflicting) and an exact repeat (counted only) must give exactly two dead letters,
   * each with its Kafka coordinates. {@code -Dstreamae.cluster.pause-tries=5} repeats it.
   */
  @Test
  @Order(3)
  void pausedPartitionLosesNoReadingAndQuietSensorsAreScoredWithinTheStalenessBound()
      throws Exception {
    if (jobId != null && flink.jobState(jobId).equals("RUNNING")) {
      flink.cancel(jobId, Duration.ofSeconds(30)); // its slots are needed here
    }
    int tries = Integer.getInteger(PAUSE_TRIES, 1);
    for (int attempt = 1; attempt <= tries; attempt++) {
      LOG.info("pause scenario, try {} of {}", attempt, tries);
      pauseScenario();
    }
  }

  private void pauseScenario() throws Exception {
    String pausedInput = KAFKA.createTopic("paused-readings", PARTITIONS);
    String pausedOutput = KAFKA.createTopic("paused-results", PARTITIONS);
    String pausedDeadLetters = KAFKA.createTopic("paused-dead-letters", 1);
    long started = System.nanoTime();
    jobId =
        flink.submitDetached(
            jobJar(),
            MAIN_CLASS,
            List.of(
                "--config",
                "jobs/scoring/job.yaml",
                "--kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--kafka.input-topic",
                pausedInput,
                "--kafka.output-topic",
                pausedOutput,
                "--kafka.dead-letter-topic",
                pausedDeadLetters,
                "--kafka.group-id",
                "cluster-it-" + pausedInput,
                "--model.path",
                modelPath.toString(),
                "--execution.checkpointing.interval",
                "2 s",
                // Short, so the test is: readings one event-time second apart, a 6 s pause.
                "--window.max-out-of-orderness",
                "1 s",
                "--window.idle-timeout",
                "2 s",
                "--window.max-staleness",
                STALENESS_S + " s"),
            Path.of("").toAbsolutePath());
    flink.awaitJobState(jobId, "RUNNING", Duration.ofSeconds(60));

    int sensors = 8; // sensor s on partition s % 2
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      Pacer both = new Pacer(producer, pausedInput, sensors);
      both.send(0, 20, p -> true, 50);
      assertThat(KAFKA.readAll(pausedOutput, 1, false, Duration.ofSeconds(60)))
          .as("the job scores before the pause; exceptions %s", flink.jobExceptions(jobId))
          .isNotEmpty();
      // Partition 1 pauses 6 s (idle after 2 s) while partition 0 runs 40 s of event time ahead.
      both.send(20, 60, p -> p == 0, 150);
      both.send(20, 60, p -> p == 1, 0);
      both.send(60, PAUSE_READINGS, p -> true, 20);
      producer.flush();
    }
    long inputStopped = System.nanoTime();

    int perSensor = PAUSE_READINGS - TIMESTEPS + 1;
    List<ConsumerRecord<byte[], byte[]>> results =
        KAFKA.readAll(
            pausedOutput, sensors * perSensor, false, Duration.ofSeconds(STALENESS_S + 60));
    LOG.info(
        "pause scenario: {} of {} results, the last {} s after the input stopped",
        results.size(),
        sensors * perSensor,
        seconds(inputStopped));
    Map<String, List<Long>> ends = new TreeMap<>();
    Map<String, JsonNode> newest = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : results) {
      JsonNode json = JSON.readTree(record.value());
      String sensor = json.path("sensorId").asText();
      ends.computeIfAbsent(sensor, k -> new ArrayList<>()).add(json.path("windowEnd").asLong());
      if (!newest.containsKey(sensor)
          || newest.get(sensor).path("windowEnd").asLong() < json.path("windowEnd").asLong()) {
        newest.put(sensor, json);
      }
    }
    List<ConsumerRecord<byte[], byte[]>> lost =
        KAFKA.readAll(pausedDeadLetters, 0, false, Duration.ofSeconds(2));
    LOG.info("pause scenario: {} dead letters from valid readings", lost.size());
    assertThat(lost.stream().map(r -> header(r, DeadLetterSerializer.REASON)).toList())
        .as("dead letters from in-order readings")
        .isEmpty();
    List<Long> expectedEnds = new ArrayList<>();
    for (int step = TIMESTEPS - 1; step < PAUSE_READINGS; step++) {
      expectedEnds.add(time(step));
    }
    assertThat(ends).hasSize(sensors);
    ends.forEach(
        (sensor, windowEnds) ->
            assertThat(windowEnds.stream().sorted().toList())
                .as("window ends of %s, each once", sensor)
                .containsExactlyElementsOf(expectedEnds));
    newest.forEach(
        (sensor, json) ->
            assertThat(json.path("releasedByTimeout").asBoolean())
                .as("%s's newest window, which no watermark passes", sensor)
                .isTrue());

    // The late, the conflicting and the repeated reading, each of a sensor on partition 0.
    long last = time(PAUSE_READINGS - 1);
    List<RecordMetadata> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (byte[] value :
          List.of(
              payload("pump-0", last - INTERVAL_MS, new float[] {50, 10}),
              payload("pump-2", last, new float[] {50, 10}),
              payload("pump-4", last, TestModels.sineValues(4, PAUSE_READINGS - 1)))) {
        String sensor = JSON.readTree(value).path("sensorId").asText();
        sent.add(
            producer
                .send(
                    new ProducerRecord<>(
                        pausedInput, 0, sensor.getBytes(StandardCharsets.UTF_8), value))
                .get(30, TimeUnit.SECONDS));
      }
    }
    List<ConsumerRecord<byte[], byte[]>> dead =
        KAFKA.readAll(pausedDeadLetters, 2, false, Duration.ofSeconds(30));
    assertThat(dead).hasSize(2);
    Map<String, ConsumerRecord<byte[], byte[]>> byReason = new TreeMap<>();
    dead.forEach(r -> byReason.put(header(r, DeadLetterSerializer.REASON), r));
    assertThat(byReason).containsOnlyKeys("LATE_READING", "CONFLICTING_DUPLICATE");
    String at = "kafka:" + pausedInput + "/0@";
    assertThat(header(byReason.get("LATE_READING"), DeadLetterSerializer.SOURCE))
        .isEqualTo(at + sent.get(0).offset());
    assertThat(header(byReason.get("CONFLICTING_DUPLICATE"), DeadLetterSerializer.SOURCE))
        .isEqualTo(at + sent.get(1).offset());
    assertThat(header(byReason.get("CONFLICTING_DUPLICATE"), DeadLetterSerializer.DETAIL))
        .as("names the kept reading's origin too")
        .contains(at + sent.get(1).offset())
        .containsPattern("kept, from kafka:" + pausedInput + "/0@\\d+");
    assertThat(flink.jobExceptions(jobId)).as("failures and restarts").isEmpty();
    flink.cancel(jobId, Duration.ofSeconds(30));
    LOG.info("pause scenario checked in {} s", seconds(started));
  }

  /**
   * A missing input topic and brokers that do not answer stop {@code flink run} before any job is
   * submitted, with a message naming topic and brokers.
   */
  @Test
  @Order(4)
  void refusesToSubmitWithoutTheInputTopicOrAnAnsweringBroker() throws Exception {
    int jobsBefore = flink.get("/jobs/overview").path("jobs").size();
    String silent;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      silent = "127.0.0.1:" + free.getLocalPort(); // closed again: nothing listens there
    }
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put(
        "missing topic",
        List.of(
            "--kafka.bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--kafka.input-topic",
            "no-such-readings"));
    cases.put(
        "silent broker",
        List.of("--kafka.bootstrap-servers", silent, "--kafka.check-timeout", "5 s"));
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      List<String> run =
          new ArrayList<>(List.of("run", "-d", "-m", flink.restAddress(), jobJar().toString()));
      run.addAll(
          List.of("--config", "jobs/scoring/job.yaml", "--model.path", modelPath.toString()));
      run.addAll(c.getValue());
      long started = System.nanoTime();
      StandaloneFlinkCluster.CliResult cli =
          flink.runCli(run, Path.of("").toAbsolutePath(), Duration.ofMinutes(2));
      String output = cli.stdout() + cli.stderr();
      LOG.info(
          "{}: flink run exited with {} after {} s: {}",
          c.getKey(),
          cli.exitCode(),
          seconds(started),
          output
              .lines()
              .filter(l -> l.contains("Kafka at ") || l.contains("does not exist"))
              .findFirst()
              .orElse("(no line names Kafka)"));
      assertThat(cli.exitCode()).as("%s: %s", c.getKey(), output).isNotZero();
      if (c.getKey().equals("missing topic")) {
        assertThat(output)
            .contains(
                "input topic no-such-readings (kafka.input-topic) does not exist on Kafka at "
                    + KAFKA.bootstrapServers());
      } else {
        assertThat(output).contains("Kafka at " + silent).contains("did not answer within");
      }
    }
    assertThat(flink.get("/jobs/overview").path("jobs").size())
        .as("no job was submitted")
        .isEqualTo(jobsBefore);
  }

  /**
   * An input topic deleted under a running job fails it, with the topic in the cause, once the
   * restarts job.yaml allows are used up, instead of restarting for ever. Partition discovery
   * (which notices the deletion; 5 min by default) and the restart budget are shortened here.
   */
  @Test
  @Order(5)
  void aDeletedInputTopicFailsTheJobWithItsName() throws Exception {
    String doomed = KAFKA.createTopic("doomed-readings", PARTITIONS);
    String doomedOutput = KAFKA.createTopic("doomed-results", PARTITIONS);
    String doomedDeadLetters = KAFKA.createTopic("doomed-dead-letters", 1);
    jobId =
        flink.submitDetached(
            jobJar(),
            MAIN_CLASS,
            List.of(
                "--config",
                "jobs/scoring/job.yaml",
                "--kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--kafka.input-topic",
                doomed,
                "--kafka.output-topic",
                doomedOutput,
                "--kafka.dead-letter-topic",
                doomedDeadLetters,
                "--kafka.group-id",
                "cluster-it-" + doomed,
                "--model.path",
                modelPath.toString(),
                "--kafka.properties.partition.discovery.interval.ms",
                "1000",
                "--restart-strategy.exponential-delay.attempts-before-reset-backoff",
                "2"),
            Path.of("").toAbsolutePath());
    flink.awaitJobState(jobId, "RUNNING", Duration.ofSeconds(60));
    KAFKA.admin().deleteTopics(List.of(doomed)).all().get(30, TimeUnit.SECONDS);
    long deleted = System.nanoTime();

    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    String state = flink.jobState(jobId);
    while (!state.equals("FAILED") && System.nanoTime() < deadline) {
      Thread.sleep(500);
      state = flink.jobState(jobId);
    }
    List<String> exceptions = flink.jobExceptions(jobId);
    LOG.info(
        "deleted input topic: job {} after {} s and {} failures",
        state,
        seconds(deleted),
        exceptions.size());
    assertThat(state).as("job state; exceptions %s", exceptions).isEqualTo("FAILED");
    assertThat(exceptions).isNotEmpty().allSatisfy(e -> assertThat(e).contains(doomed));
  }

  /**
   * The job jar's scoring code is in the job jar, the benchmark's driver is not (it is offline
   * code): {@code -C} adds this build's classes to the job's user classpath (one machine here).
   */
  private static List<String> benchmarkEntry() throws IOException {
    Path classes = Path.of("target", "classes").toAbsolutePath();
    return List.of(
        "-C",
        classes.toUri().toURL().toString(),
        "-c",
        KafkaPipelineBenchmark.class.getName(),
        jobJar().toString());
  }

  /**
   * The Web UI's way: the job jar uploaded with {@code POST /jars/upload}, then started with {@code
   * POST /jars/:id/run}, program arguments only, no entry class. The JobManager runs {@link
   * ScoringJobMain} from the manifest; every window of every sensor arrives once.
   */
  @Test
  @Order(6)
  void jobJarUploadedThroughTheRestApiRunsWithoutAnEntryClass() throws Exception {
    String restInput = KAFKA.createTopic("rest-readings", PARTITIONS);
    String restOutput = KAFKA.createTopic("rest-results", PARTITIONS);
    String restDeadLetters = KAFKA.createTopic("rest-dead-letters", 1);
    long started = System.nanoTime();
    String jarId = flink.uploadJar(jobJar());
    jobId =
        flink.runUploadedJar(
            jarId,
            List.of(
                "--config",
                Path.of("jobs/scoring/job.yaml").toAbsolutePath().toString(),
                "--kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--kafka.input-topic",
                restInput,
                "--kafka.output-topic",
                restOutput,
                "--kafka.dead-letter-topic",
                restDeadLetters,
                "--kafka.group-id",
                "cluster-it-" + restInput,
                "--model.path",
                modelPath.toString()));
    flink.awaitJobState(jobId, "RUNNING", Duration.ofSeconds(60));
    LOG.info("job {} uploaded as {} and running after {} s", jobId, jarId, seconds(started));

    produceReadingsAndPoison(restInput);
    int expected = SENSORS.size() * (READINGS_PER_SENSOR - TIMESTEPS + 1);
    List<ConsumerRecord<byte[], byte[]>> results =
        KAFKA.readAll(restOutput, expected, false, Duration.ofSeconds(90));
    assertThat(results)
        .as("results of job %s; exceptions %s", jobId, flink.jobExceptions(jobId))
        .hasSize(expected);
    assertResults(results);
    assertThat(KAFKA.readAll(restDeadLetters, 1, false, Duration.ofSeconds(30))).hasSize(1);
    assertThat(flink.jobExceptions(jobId)).as("failures and restarts").isEmpty();
    flink.cancel(jobId, Duration.ofSeconds(30));
    LOG.info("REST-submitted job {} checked and cancelled after {} s", jobId, seconds(started));
  }

  /**
   * {@code publish-model} to the model-updates topic of the running cluster job: the results move
   * from the submitted version to the published one, every sensor once and never back, every window
   * scored once, with no restart and no failure.
   */
  @Test
  @Order(7)
  void aPublishedModelReachesTheRunningJobWithoutARestart() throws Exception {
    String in = KAFKA.createTopic("swap-readings", PARTITIONS);
    String out = KAFKA.createTopic("swap-results", PARTITIONS);
    String dead = KAFKA.createTopic("swap-dead-letters", 1);
    String updates = KAFKA.createTopic("swap-model-updates", 1);
    ModelBundle next = TestModels.sineBundle(TIMESTEPS, 1, 12, bundle.metadata().modelId(), "2");
    Path nextPath = work.resolve("sine-2.sae");
    next.write(nextPath);
    jobId =
        flink.submitDetached(
            jobJar(),
            MAIN_CLASS,
            List.of(
                "--config",
                "jobs/scoring/job.yaml",
                "--kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--kafka.input-topic",
                in,
                "--kafka.output-topic",
                out,
                "--kafka.dead-letter-topic",
                dead,
                "--kafka.group-id",
                "cluster-it-" + in,
                "--model.path",
                modelPath.toString(),
                "--model.updates-topic",
                updates,
                "--model.updates-starting-offsets",
                "earliest"),
            Path.of("").toAbsolutePath());
    flink.awaitJobState(jobId, "RUNNING", Duration.ofSeconds(60));

    int steps;
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      Pacer pacer = new Pacer(producer, in, SENSORS.size());
      // 60 s of readings: the watermark (30 s behind) closes the first windows, scored by v1.
      pacer.send(0, 60, p -> true, 0);
      assertThat(KAFKA.readAll(out, 1, false, Duration.ofSeconds(60))).isNotEmpty();
      assertThat(
              io.streamae.cli.StreamAeMain.execute(
                  "publish-model",
                  nextPath.toString(),
                  "--bootstrap-servers",
                  KAFKA.bootstrapServers(),
                  "--topic",
                  updates))
          .as("publish-model exit code")
          .isZero();
      // Go on sending until the new version's results appear.
      steps = 60;
      while (!anyResultOf(out, next.versionLabel())) {
        assertThat(steps).as("readings sent before %s scored", next.versionLabel()).isLessThan(600);
        pacer.send(steps, steps + 10, p -> true, 50);
        steps += 10;
      }
      pacer.send(steps, steps + 10, p -> true, 0);
      steps += 10;
      long clock = time(steps - 1) + CLOCK_AHEAD_MS;
      for (int p = 0; p < PARTITIONS; p++) {
        producer.send(
            new ProducerRecord<>(
                in,
                p,
                ("clock-" + p).getBytes(StandardCharsets.UTF_8),
                payload("clock-" + p, clock, new float[] {50, 10})));
      }
      producer.flush();
    }

    int windowsPerSensor = steps - TIMESTEPS + 1;
    int expected = SENSORS.size() * windowsPerSensor;
    List<ConsumerRecord<byte[], byte[]>> results =
        KAFKA.readAll(out, expected, false, Duration.ofSeconds(90));
    assertThat(results).as("results; exceptions %s", flink.jobExceptions(jobId)).hasSize(expected);
    Map<String, TreeMap<Long, String>> versions = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : results) {
      JsonNode json = JSON.readTree(record.value());
      String previous =
          versions
              .computeIfAbsent(json.path("sensorId").asText(), k -> new TreeMap<>())
              .put(json.path("windowEnd").asLong(), json.path("modelVersion").asText());
      assertThat(previous).as("a window scored twice").isNull();
    }
    // the Pacer names sensors pump-0, pump-1, …
    assertThat(versions).containsOnlyKeys("pump-0", "pump-1", "pump-2");
    versions.forEach(
        (sensor, byEnd) -> {
          assertThat(byEnd).as("windows of %s", sensor).hasSize(windowsPerSensor);
          List<String> sequence = new ArrayList<>(byEnd.values());
          int first = sequence.indexOf(next.versionLabel());
          assertThat(first).as("%s reaches %s", sensor, next.versionLabel()).isPositive();
          assertThat(sequence.subList(0, first)).containsOnly(bundle.versionLabel());
          assertThat(sequence.subList(first, sequence.size())).containsOnly(next.versionLabel());
        });
    assertThat(KAFKA.readAll(dead, 0, false, Duration.ofSeconds(2))).isEmpty();
    assertThat(flink.jobExceptions(jobId)).as("failures and restarts").isEmpty();
    assertThat(flink.jobState(jobId)).isEqualTo("RUNNING");
    flink.cancel(jobId, Duration.ofSeconds(30));
  }

  private static boolean anyResultOf(String topic, String version) throws Exception {
    for (ConsumerRecord<byte[], byte[]> r :
        KAFKA.readAll(topic, Integer.MAX_VALUE, false, Duration.ofMillis(200))) {
      if (JSON.readTree(r.value()).path("modelVersion").asText().equals(version)) {
        return true;
      }
    }
    return false;
  }

  /** Opt-in: how often the pause scenario runs, e.g. 5 (each about a minute); once by default. */
  static final String PAUSE_TRIES = "streamae.cluster.pause-tries";

  /** Readings per sensor in the pause scenario. */
  private static final int PAUSE_READINGS = 70;

  /** window.max-staleness of the pause scenario, in seconds. */
  private static final int STALENESS_S = 10;

  /** Sends steps of every sensor on the chosen partitions, in order, pausing between steps. */
  private record Pacer(KafkaProducer<byte[], byte[]> producer, String topic, int sensors) {
    void send(int from, int to, java.util.function.IntPredicate partitions, long pauseMs)
        throws Exception {
      for (int i = from; i < to; i++) {
        for (int s = 0; s < sensors; s++) {
          if (partitions.test(s % PARTITIONS)) {
            String sensor = "pump-" + s;
            producer.send(
                new ProducerRecord<>(
                    topic,
                    s % PARTITIONS,
                    sensor.getBytes(StandardCharsets.UTF_8),
                    payload(sensor, time(i), TestModels.sineValues(s, i))));
          }
        }
        producer.flush();
        if (pauseMs > 0) {
          Thread.sleep(pauseMs);
        }
      }
    }
  }

  private static String seconds(long startNanos) {
    return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9);
  }

  private static Path jobJar() {
    String location = System.getProperty("streamae.job.jar");
    assertThat(location)
        .as("system property streamae.job.jar (set by failsafe in pom.xml)")
        .isNotBlank();
    Path jar = Path.of(location);
    assertThat(jar).as("job jar; build it with mvn package").isRegularFile();
    return jar;
  }

  /**
   * The readings, sensor {@code s} on partition {@code s % 2} (keyed, in order), the poison
   * payload, then one clock reading per partition. Returns how many records were sent.
   */
  private static int produceReadingsAndPoison(String input) throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < READINGS_PER_SENSOR; i++) {
        for (int s = 0; s < SENSORS.size(); s++) {
          String sensor = SENSORS.get(s);
          sent.add(
              producer.send(
                  new ProducerRecord<>(
                      input,
                      s % PARTITIONS,
                      sensor.getBytes(StandardCharsets.UTF_8),
                      payload(sensor, time(i), TestModels.sineValues(s, i)))));
        }
        if (i == READINGS_PER_SENSOR / 2) {
          sent.add(
              producer.send(
                  new ProducerRecord<>(input, 0, null, PoisonMessages.NOT_JSON.payload())));
        }
      }
      long clock = time(READINGS_PER_SENSOR - 1) + CLOCK_AHEAD_MS;
      for (int p = 0; p < PARTITIONS; p++) {
        String sensor = "clock-" + p;
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    input,
                    p,
                    sensor.getBytes(StandardCharsets.UTF_8),
                    payload(sensor, clock, new float[] {50, 10}))));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> record : sent) {
      record.get(30, TimeUnit.SECONDS); // fails the test if a record was not written
    }
    return sent.size();
  }

  private static long time(int step) {
    return T0 + step * INTERVAL_MS;
  }

  private static byte[] payload(String sensor, long ts, float[] values) {
    return String.format(
            Locale.ROOT,
            "{\"sensorId\":\"%s\",\"ts\":%d,\"values\":{\"temp\":%s,\"current\":%s}}",
            sensor,
            ts,
            Float.toString(values[0]),
            Float.toString(values[1]))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Per sensor exactly the windows ending at steps 7..39, once each, keyed and stamped as the job
   * writes them, with a finite error from this model; no window of the clock sensors.
   */
  private static void assertResults(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
    Map<String, List<Long>> windowEnds = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      JsonNode json = JSON.readTree(record.value());
      String sensor = json.path("sensorId").asText();
      long start = json.path("windowStart").asLong();
      long end = json.path("windowEnd").asLong();
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(sensor);
      assertThat(record.timestamp()).isEqualTo(end);
      assertThat(end - start).isEqualTo((TIMESTEPS - 1) * INTERVAL_MS);
      assertThat(json.path("status").asText()).isEqualTo("OK");
      assertThat(json.path("modelVersion").asText()).isEqualTo(bundle.versionLabel());
      assertThat(json.path("reconstructionError").isNumber()).as("reconstructionError").isTrue();
      assertThat(json.path("reconstructionError").asDouble()).isNotNegative();
      windowEnds.computeIfAbsent(sensor, k -> new ArrayList<>()).add(end);
    }
    List<Long> expectedEnds = new ArrayList<>();
    for (int step = TIMESTEPS - 1; step < READINGS_PER_SENSOR; step++) {
      expectedEnds.add(time(step));
    }
    assertThat(windowEnds).containsOnlyKeys(SENSORS);
    windowEnds.forEach(
        (sensor, ends) ->
            assertThat(ends.stream().sorted().collect(Collectors.toList()))
                .as("window ends of %s", sensor)
                .containsExactlyElementsOf(expectedEnds));
  }

  /** Waits until a checkpoint committed the group's offsets at the end of the input topic. */
  private static void awaitCommittedOffsets(String group, int produced, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long committed = -1;
    long end = -1;
    while (System.nanoTime() < deadline) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          KAFKA
              .admin()
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      committed = offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        latest.put(new TopicPartition(input, p), OffsetSpec.latest());
      }
      end =
          KAFKA.admin().listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
              .mapToLong(info -> info.offset())
              .sum();
      if (committed == end) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(end).as("end offsets of %s", input).isEqualTo(produced);
    assertThat(committed).as("offsets of group %s committed on checkpoints", group).isEqualTo(end);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
