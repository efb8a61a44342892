package io.streamae.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.cli.StreamAeMain;
import io.streamae.ingest.RawReading;
import io.streamae.job.AnomalyDetectionJob;
import io.streamae.job.JobConfig;
import io.streamae.job.ReadingWatermarks;
import io.streamae.job.ScoringJobMain;
import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.AnomalyScorer;
import io.streamae.scoring.ModelUpdate;
import io.streamae.scoring.ScoreWindowsWithUpdatesOperator;
import io.streamae.testkit.KafkaBroker;
import io.streamae.window.SensorWindow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models that change while the job runs, from Kafka to Kafka: a KRaft broker in this JVM, a Flink
 * MiniCluster with parallelism 2, the cluster job's wiring with a model-updates topic, and two
 * versions of the tiny sine model ({@code kafka-it:1}, trained 2 epochs, and {@code kafka-it:2},
 * trained 8). The readings are bounded; the model-updates source is not (updates may come at any
 * time), so each test cancels its job once the outputs are complete.
 */
class ModelSwapITCase {
  private static final int PARALLELISM = 2;
  private static final List<String> SENSORS = List.of("pump-1", "pump-2", "pump-3");
  private static final int READINGS_PER_SENSOR = 200;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final long T0 = (System.currentTimeMillis() / 1000 - 3600) * 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(PARALLELISM)
              .build());

  @TempDir static Path models;

  private static Path v1Path;
  private static Path v2Path;
  private static ModelBundle v1;
  private static ModelBundle v2;

  private String input;
  private String output;
  private String deadLetters;
  private String updates;

  @BeforeAll
  static void trainTwoVersions() throws Exception {
    v1Path = models.resolve("kafka-it-1.sae");
    v2Path = models.resolve("kafka-it-2.sae");
    v1 = SineSensors.trainModel(v1Path, "1", 2);
    v2 = SineSensors.trainModel(v2Path, "2", 8);
  }

  @BeforeEach
  void createTopics() throws Exception {
    input = KAFKA.createTopic("readings", PARALLELISM);
    output = KAFKA.createTopic("results", PARALLELISM);
    deadLetters = KAFKA.createTopic("dead-letters", 1);
    updates = KAFKA.createTopic("model-updates", 1);
  }

  @Test
  void swapMidStreamUnderExactlyOnceWithAFailureAfterTheSwap(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    produceReadings();
    FailAfterSwap.reset();
    Configuration conf =
        ScoringJobMain.configuration(
            jobArgs("exactly-once", "--execution.checkpointing.interval", "1 s"));
    JobConfig config = JobConfig.from(conf);
    StreamExecutionEnvironment env = ScoringJobMain.environment(conf, config);
    // ScoringJobMain.define's wiring, plus a map after the readings source that fails once, after
    // the swap and after a checkpoint that holds the new version.
    DataStream<RawReading> raw =
        env.fromSource(
                KafkaPipelines.source(config.kafka()).build(),
                ReadingWatermarks.of(config),
                KafkaPipelines.SOURCE_UID)
            .uid(KafkaPipelines.SOURCE_UID)
            .map(new FailAfterSwap())
            .name("fail-after-swap")
            .uid("fail-after-swap");
    DataStream<RawReading> updateMessages =
        env.fromSource(
                ModelUpdatesSource.build(
                    config.kafka(),
                    config.models().updatesTopic(),
                    config.models().updatesStartingOffsets()),
                WatermarkStrategy.noWatermarks(),
                ModelUpdatesSource.UID)
            .uid(ModelUpdatesSource.UID)
            .setParallelism(1);
    new AnomalyDetectionJob(config, v1.layout())
        .build(raw, true, updateMessages)
        .sinkTo(
            KafkaPipelines.results(config.kafka()).build(),
            KafkaPipelines.deadLetters(config.kafka()).build());
    JobClient client = env.executeAsync(ScoringJobMain.JOB_NAME);

    // Mid-stream: once v1 has scored some windows, publish v2; once v2 results appear, arm the
    // failure.
    awaitResult(v1.versionLabel());
    assertThat(
            StreamAeMain.execute(
                "publish-model",
                v2Path.toString(),
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic",
                updates))
        .as("publish-model exit code")
        .isZero();
    awaitResult(v2.versionLabel());
    FailAfterSwap.ARMED.set(true);

    List<ConsumerRecord<byte[], byte[]>> records =
        KAFKA.readAll(output, expectedWindows().size(), true, WAIT);
    JobID job = cancel(client);

    assertThat(FailAfterSwap.FAILED.get()).as("the injected failure happened").isTrue();
    assertThat(maxAttempt(cluster, job)).as("restarts").isPositive();
    Map<String, List<JsonNode>> bySensor = assertEveryWindowOnce(records);
    for (Map.Entry<String, List<JsonNode>> e : bySensor.entrySet()) {
      List<String> versions =
          e.getValue().stream().map(r -> r.get("modelVersion").asText()).toList();
      int firstV2 = versions.indexOf(v2.versionLabel());
      assertThat(firstV2).as("%s reaches %s", e.getKey(), v2.versionLabel()).isPositive();
      assertThat(versions.subList(0, firstV2))
          .as("%s before the swap", e.getKey())
          .containsOnly(v1.versionLabel());
      assertThat(versions.subList(firstV2, versions.size()))
          .as("%s after the swap: never back to v1", e.getKey())
          .containsOnly(v2.versionLabel());
      // Calibration starts from v2's prior: live at once, no alarm on normal readings.
      for (JsonNode r : e.getValue().subList(firstV2, versions.size())) {
        assertThat(r.get("warmingUp").asBoolean()).as("warm-up after the swap").isFalse();
        assertThat(r.get("anomalous").asBoolean()).as("alarm after the swap").isFalse();
      }
    }
    assertThat(KAFKA.readAll(deadLetters, 0, true, Duration.ofSeconds(2))).isEmpty();
  }

  @Test
  void refusedUpdatesBecomeDeadLettersAndTheOldVersionKeepsScoring(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    ModelUpdate good = ModelUpdate.describe(v2Path, null);
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("not valid JSON", "{\"modelId\": \"kafka-it\", ".getBytes(StandardCharsets.UTF_8));
    bad.put(
        "SHA-256",
        new ModelUpdate(
                good.modelId(),
                good.modelVersion(),
                good.uri(),
                ModelUpdate.describe(v1Path, null).sha256())
            .toJson());
    bad.put(
        "does not exist",
        new ModelUpdate(
                good.modelId(),
                good.modelVersion(),
                models.resolve("missing.sae").toString(),
                good.sha256())
            .toJson());
    bad.put(
        "neither the default model",
        new ModelUpdate("boilers", "7", good.uri(), good.sha256()).toJson());
    bad.put(
        "the update announced kafka-it:3",
        new ModelUpdate(good.modelId(), "3", good.uri(), good.sha256()).toJson());
    for (byte[] message : bad.values()) {
      publish(message);
    }
    produceReadings();

    Configuration conf = ScoringJobMain.configuration(jobArgs("at-least-once"));
    JobConfig config = JobConfig.from(conf);
    StreamExecutionEnvironment env = ScoringJobMain.environment(conf, config);
    ScoringJobMain.define(env, config, v1.layout());
    JobClient client = env.executeAsync(ScoringJobMain.JOB_NAME);

    List<ConsumerRecord<byte[], byte[]>> letters =
        KAFKA.readAll(deadLetters, bad.size(), false, WAIT);
    List<ConsumerRecord<byte[], byte[]>> records =
        KAFKA.readAll(output, expectedWindows().size(), false, WAIT);
    assertThat(client.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
    JobID job = cancel(client);

    assertThat(maxAttempt(cluster, job)).as("restarts").isZero();
    Map<String, List<JsonNode>> bySensor = assertEveryWindowOnce(records);
    bySensor
        .values()
        .forEach(
            rs ->
                assertThat(rs)
                    .allSatisfy(
                        r ->
                            assertThat(r.get("modelVersion").asText())
                                .isEqualTo(v1.versionLabel())));
    assertThat(letters).hasSize(bad.size());
    List<String> details = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      assertThat(header(letter, DeadLetterSerializer.REASON))
          .isEqualTo(ScoreWindowsWithUpdatesOperator.MODEL_REJECTED);
      assertThat(header(letter, DeadLetterSerializer.STAGE))
          .isEqualTo(ScoreWindowsWithUpdatesOperator.STAGE);
      details.add(header(letter, DeadLetterSerializer.DETAIL));
    }
    for (String expected : bad.keySet()) {
      assertThat(details)
          .as("a dead letter saying '%s'", expected)
          .anyMatch(d -> d.contains(expected));
    }
  }

  @Test
  void aWatchedModelPathSwapsWhenANewBundleIsCopiedOverIt(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    produceReadings();
    FailAfterSwap.reset(); // never armed: it only slows the readings, so the swap is mid-stream
    Path watched = Files.createDirectories(models.resolve("watched")).resolve("model.sae");
    Files.copy(v1Path, watched, StandardCopyOption.REPLACE_EXISTING);
    Configuration conf =
        ScoringJobMain.configuration(
            jobArgs(
                "at-least-once",
                "--model.path",
                watched.toString(),
                "--model.updates-topic",
                "",
                "--model.watch-interval",
                "200 ms"));
    JobConfig config = JobConfig.from(conf);
    assertThat(config.models().updatesTopic()).isNull();
    StreamExecutionEnvironment env = ScoringJobMain.environment(conf, config);
    DataStream<RawReading> raw =
        env.fromSource(
                KafkaPipelines.source(config.kafka()).build(),
                ReadingWatermarks.of(config),
                KafkaPipelines.SOURCE_UID)
            .uid(KafkaPipelines.SOURCE_UID)
            .map(new FailAfterSwap())
            .name("slow-readings")
            .uid("slow-readings");
    new AnomalyDetectionJob(config, v1.layout())
        .build(raw, true)
        .sinkTo(
            KafkaPipelines.results(config.kafka()).build(),
            KafkaPipelines.deadLetters(config.kafka()).build());
    JobClient client = env.executeAsync(ScoringJobMain.JOB_NAME);

    awaitResult(v1.versionLabel());
    // A corrupt file first (a dead letter, v1 goes on), then v2, each replaced atomically.
    replace(watched, "not a bundle".getBytes(StandardCharsets.UTF_8));
    List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.readAll(deadLetters, 1, false, WAIT);
    replace(watched, Files.readAllBytes(v2Path));
    awaitResult(v2.versionLabel());
    List<ConsumerRecord<byte[], byte[]>> records =
        KAFKA.readAll(output, expectedWindows().size(), false, WAIT);
    JobID job = cancel(client);

    assertThat(maxAttempt(cluster, job)).as("restarts").isZero();
    assertThat(letters).hasSize(1);
    assertThat(header(letters.get(0), DeadLetterSerializer.REASON))
        .isEqualTo(ScoreWindowsWithUpdatesOperator.MODEL_REJECTED);
    assertThat(header(letters.get(0), DeadLetterSerializer.DETAIL)).contains("cannot be used");
    for (Map.Entry<String, List<JsonNode>> e : assertEveryWindowOnce(records).entrySet()) {
      List<String> versions =
          e.getValue().stream().map(r -> r.get("modelVersion").asText()).toList();
      int firstV2 = versions.indexOf(v2.versionLabel());
      assertThat(firstV2).as("%s reaches %s", e.getKey(), v2.versionLabel()).isPositive();
      assertThat(versions.subList(0, firstV2)).containsOnly(v1.versionLabel());
      assertThat(versions.subList(firstV2, versions.size())).containsOnly(v2.versionLabel());
    }
  }

  @Test
  void aMissingModelUpdatesTopicStopsTheSubmission() throws Exception {
    JobConfig config = JobConfig.from(ScoringJobMain.configuration(jobArgs("at-least-once")));
    KafkaPreflight.check(config.kafka(), config.models().updatesTopic());
    assertThatThrownBy(() -> KafkaPreflight.check(config.kafka(), "no-such-updates"))
        .hasMessageContaining(
            "model-updates topic no-such-updates (model.updates-topic) does not exist");
  }

  private static void replace(Path target, byte[] content) throws Exception {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // --- job -------------------------------------------------------------------------------------

  private String[] jobArgs(String deliveryGuarantee, String... more) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("model.path", v1Path.toString());
    options.put("model.updates-topic", updates);
    options.put("model.updates-starting-offsets", "earliest");
    options.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
    options.put("kafka.input-topic", input);
    options.put("kafka.output-topic", output);
    options.put("kafka.dead-letter-topic", deadLetters);
    options.put("kafka.group-id", "it-" + input);
    options.put("kafka.starting-offsets", "earliest");
    options.put("kafka.stopping-offsets", "latest");
    options.put("kafka.delivery-guarantee", deliveryGuarantee);
    options.put("kafka.transactional-id-prefix", "it-" + output);
    options.put("kafka.transaction-timeout", "1 min");
    options.put("window.max-out-of-orderness", "1 s");
    options.put("scoring.warmup-windows", "20");
    options.put("parallelism.default", Integer.toString(PARALLELISM));
    options.put("execution.checkpointing.interval", "300 ms");
    options.put("restart-strategy.type", "fixed-delay");
    options.put("restart-strategy.fixed-delay.attempts", "3");
    options.put("restart-strategy.fixed-delay.delay", "200 ms");
    List<String> args = new ArrayList<>();
    options.forEach(
        (key, value) -> {
          args.add("--" + key);
          args.add(value);
        });
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static JobID cancel(JobClient client) throws Exception {
    client.cancel().get(30, TimeUnit.SECONDS);
    try {
      client.getJobExecutionResult().get(30, TimeUnit.SECONDS);
    } catch (Exception expected) {
      // a cancelled job ends with an exception
    }
    return client.getJobID();
  }

  private static int maxAttempt(MiniCluster cluster, JobID job) throws Exception {
    ArchivedExecutionGraph graph = cluster.getArchivedExecutionGraph(job).get(10, TimeUnit.SECONDS);
    int max = 0;
    for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
      max = Math.max(max, vertex.getCurrentExecutionAttempt().getAttemptNumber());
    }
    return max;
  }

  // --- input -----------------------------------------------------------------------------------

  private void produceReadings() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (SineSensors.Reading r : SineSensors.readings(SENSORS, READINGS_PER_SENSOR, T0)) {
        int partition = SENSORS.indexOf(r.sensorId()) % PARALLELISM;
        producer.send(
            new ProducerRecord<>(
                input, partition, r.sensorId().getBytes(StandardCharsets.UTF_8), r.payload()));
      }
      producer.flush();
    }
  }

  private void publish(byte[] message) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      producer.send(new ProducerRecord<>(updates, 0, null, message)).get(10, TimeUnit.SECONDS);
    }
  }

  /** Waits until a result of {@code version} is in the output topic (committed or not). */
  private void awaitResult(String version) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r :
          KAFKA.readAll(output, Integer.MAX_VALUE, false, Duration.ofMillis(300))) {
        if (JSON.readTree(r.value()).get("modelVersion").asText().equals(version)) {
          return;
        }
      }
    }
    throw new AssertionError("no result of " + version + " within " + WAIT);
  }

  // --- expectations ----------------------------------------------------------------------------

  private static List<String> expectedWindows() {
    List<String> windows = new ArrayList<>();
    for (String sensor : SENSORS) {
      for (int end = SineSensors.TIMESTEPS - 1; end < READINGS_PER_SENSOR; end++) {
        windows.add(window(sensor, time(end - SineSensors.TIMESTEPS + 1), time(end)));
      }
    }
    windows.sort(null);
    return windows;
  }

  private static long time(int step) {
    return T0 + step * SineSensors.INTERVAL_MS;
  }

  private static String window(String sensor, long start, long end) {
    return String.format("%s %d..%d", sensor, start, end);
  }

  /**
   * Exactly one OK result per window, each with the reconstruction error the version it names gives
   * offline (so the label is the model that really scored it); the results by sensor, in window
   * order.
   */
  private static Map<String, List<JsonNode>> assertEveryWindowOnce(
      List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
    Map<String, AnomalyScorer> scorers =
        Map.of(v1.versionLabel(), new AnomalyScorer(v1), v2.versionLabel(), new AnomalyScorer(v2));
    List<String> windows = new ArrayList<>();
    Map<String, List<JsonNode>> bySensor = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      JsonNode json = JSON.readTree(record.value());
      String sensor = json.get("sensorId").asText();
      long end = json.get("windowEnd").asLong();
      windows.add(window(sensor, json.get("windowStart").asLong(), end));
      assertThat(json.get("status").asText()).isEqualTo("OK");
      AnomalyScorer scorer = scorers.get(json.get("modelVersion").asText());
      assertThat(scorer).as("a known version: %s", json.get("modelVersion")).isNotNull();
      assertThat(json.get("reconstructionError").asDouble())
          .as("reconstruction error of %s", windows.get(windows.size() - 1))
          .isEqualTo(
              scorer.score(expectedWindow(sensor, end), null).record().reconstructionError());
      bySensor.computeIfAbsent(sensor, s -> new ArrayList<>()).add(json);
    }
    windows.sort(null);
    assertThat(windows).containsExactlyElementsOf(expectedWindows());
    bySensor
        .values()
        .forEach(l -> l.sort(Comparator.comparingLong(r -> r.get("windowEnd").asLong())));
    return bySensor;
  }

  private static SensorWindow expectedWindow(String sensor, long end) {
    int s = SENSORS.indexOf(sensor);
    int last = (int) ((end - T0) / SineSensors.INTERVAL_MS);
    int steps = SineSensors.TIMESTEPS;
    int features = SineSensors.FEATURES.size();
    long[] timestamps = new long[steps];
    float[] values = new float[steps * features];
    for (int k = 0; k < steps; k++) {
      int step = last - steps + 1 + k;
      timestamps[k] = time(step);
      System.arraycopy(SineSensors.values(s, step), 0, values, k * features, features);
    }
    return new SensorWindow(sensor, timestamps, values, 0);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Slows the readings to 25 a second per subtask so the swap falls mid-stream; once {@link #ARMED}
   * (the test saw the new version's results), fails the job once, half a second after the next
   * completed checkpoint, which holds the new version in its broadcast state. Static state: the
   * restarted job gets fresh instances in the same JVM.
   */
  static final class FailAfterSwap extends RichMapFunction<RawReading, RawReading>
      implements CheckpointListener {
    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicLong CHECKPOINT_AFTER_ARMING = new AtomicLong();

    static void reset() {
      ARMED.set(false);
      FAILED.set(false);
      CHECKPOINT_AFTER_ARMING.set(0);
    }

    @Override
    public RawReading map(RawReading raw) throws Exception {
      if (!FAILED.get()) {
        long completed = CHECKPOINT_AFTER_ARMING.get();
        if (completed > 0
            && System.currentTimeMillis() - completed >= 500
            && FAILED.compareAndSet(false, true)) {
          throw new IllegalStateException("injected failure after the model swap");
        }
        Thread.sleep(40);
      }
      return raw;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      if (ARMED.get()) {
        CHECKPOINT_AFTER_ARMING.compareAndSet(0, System.currentTimeMillis());
      }
    }
  }
}
