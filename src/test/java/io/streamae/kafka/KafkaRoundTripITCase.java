package io.streamae.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.dashboard.Dashboard;
import io.streamae.dashboard.KafkaResultsFollower;
import io.streamae.ingest.RawReading;
import io.streamae.job.AnomalyDetectionJob;
import io.streamae.job.JobConfig;
import io.streamae.job.ReadingWatermarks;
import io.streamae.job.ScoringJobMain;
import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.AnomalyScorer;
import io.streamae.scoring.ModelLoader;
import io.streamae.testkit.KafkaBroker;
import io.streamae.testkit.PoisonMessages;
import io.streamae.window.SensorWindow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link AnomalyDetectionJob} from Kafka to Kafka, wired as {@link ScoringJobMain} wires
 * it: a KRaft broker in this JVM ({@link KafkaBroker}), a Flink MiniCluster with parallelism 2,
 * checkpointing (every 300 ms; 1 s in the exactly-once test), a fixed-delay restart strategy, and a
 * tiny model trained on sine sensors ({@link SineSensors}). Every test has its own topics and reads
 * a bounded range ({@code kafka.stopping-offsets: latest}), so the job finishes, the end of input
 * flushes every window, and the outputs can be counted exactly. Readings use a one-second
 * out-of-orderness, so windows close while the input is read, not only at its end.
 */
class KafkaRoundTripITCase {
  private static final int PARALLELISM = 2;
  private static final List<String> SENSORS = List.of("pump-1", "pump-2", "pump-3");
  private static final int READINGS_PER_SENSOR = 40;
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  /** Topic limit above the 1 MiB + 1 byte oversized poison message. */
  private static final String MAX_MESSAGE_BYTES = Integer.toString(2 * 1024 * 1024);

  /**
   * First event time: an hour ago on a whole second (the parser refuses readings from the future).
   */
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

  private static String modelPath;
  private static ModelBundle bundle;

  private String input;
  private String output;
  private String deadLetters;

  @BeforeAll
  static void trainModel() throws Exception {
    Path file = models.resolve("sine.sae");
    bundle = SineSensors.trainModel(file);
    modelPath = file.toString();
  }

  @BeforeEach
  void createTopics() throws Exception {
    Map<String, String> large = Map.of("max.message.bytes", MAX_MESSAGE_BYTES);
    input = KAFKA.createTopic("readings", PARALLELISM, large);
    output = KAFKA.createTopic("results", PARALLELISM);
    deadLetters = KAFKA.createTopic("dead-letters", 1, large);
  }

  @Test
  void scoresEveryWindowOnceFromKafkaToKafka(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    produce(SineSensors.readings(SENSORS, READINGS_PER_SENSOR, T0), List.of(), false);

    // With watermark alignment on: the partitions' watermarks stay within a minute of each other.
    JobID job = run(jobArgs("at-least-once", "--window.watermark-alignment", "1 min"));

    assertResults(KAFKA.readAll(output, expectedWindows().size(), false, READ_TIMEOUT));
    assertThat(KAFKA.readAll(deadLetters, 0, false, Duration.ofSeconds(2))).isEmpty();
    assertThat(maxAttempt(cluster, job)).as("restarts").isZero();
  }

  @Test
  void poisonMessagesBecomeDeadLettersWhileGoodReadingsFlow(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    List<PoisonMessages> poisons = List.of(PoisonMessages.values());
    produce(SineSensors.readings(SENSORS, READINGS_PER_SENSOR, T0), poisons, true);

    JobID job = run(jobArgs("at-least-once"));

    assertResults(KAFKA.readAll(output, expectedWindows().size(), false, READ_TIMEOUT));
    assertDeadLetters(
        KAFKA.readAll(deadLetters, poisons.size() + 1, false, READ_TIMEOUT), poisons, true);
    assertThat(maxAttempt(cluster, job)).as("restarts").isZero();
  }

  @Test
  void exactlyOnceDeliversEveryWindowOnceAcrossAFailure(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    List<PoisonMessages> poisons =
        List.of(PoisonMessages.NOT_JSON, PoisonMessages.NAN_TOKEN, PoisonMessages.ARRAY_TOO_LONG);
    produce(SineSensors.readings(SENSORS, READINGS_PER_SENSOR, T0), poisons, true);
    FailOnce.reset();

    // Checkpoints every second, so the failure falls half-way between two of them.
    Configuration conf =
        ScoringJobMain.configuration(
            jobArgs("exactly-once", "--execution.checkpointing.interval", "1 s"));
    JobConfig config = JobConfig.from(conf);
    StreamExecutionEnvironment env = ScoringJobMain.environment(conf, config);
    // ScoringJobMain.define's wiring, plus a map after the source that fails once.
    DataStream<RawReading> raw =
        env.fromSource(
                KafkaPipelines.source(config.kafka()).build(),
                ReadingWatermarks.of(config),
                KafkaPipelines.SOURCE_UID)
            .uid(KafkaPipelines.SOURCE_UID)
            .map(new FailOnce())
            .name("fail-once")
            .uid("fail-once");
    new AnomalyDetectionJob(config, bundle.layout())
        .build(raw, true)
        .sinkTo(
            KafkaPipelines.results(config.kafka()).build(),
            KafkaPipelines.deadLetters(config.kafka()).build());
    JobID job = execute(env);

    assertThat(FailOnce.FAILED.get()).as("the injected failure happened").isTrue();
    assertThat(maxAttempt(cluster, job)).as("restarts").isPositive();
    assertResults(KAFKA.readAll(output, expectedWindows().size(), true, READ_TIMEOUT));
    assertDeadLetters(
        KAFKA.readAll(deadLetters, poisons.size() + 1, true, READ_TIMEOUT), poisons, true);
  }

  /**
   * The dashboard as {@code streamae dashboard --kafka.bootstrap-servers …} starts it, on the job's
   * own options, following the topics while the exactly-once job writes them: over its HTTP API it
   * shows every window once (read_committed), every sensor with its windows and points, and the
   * dead letters counted by reason.
   */
  @Test
  void theDashboardFollowsTheJobsTopicsWhileItRuns() throws Exception {
    List<PoisonMessages> poisons = List.of(PoisonMessages.NOT_JSON, PoisonMessages.NAN_TOKEN);
    produce(SineSensors.readings(SENSORS, READINGS_PER_SENSOR, T0), poisons, true);
    String[] args = jobArgs("exactly-once");
    JobConfig config = JobConfig.from(ScoringJobMain.configuration(args));
    try (Dashboard dashboard =
        Dashboard.onKafka(
            new Dashboard.Settings("localhost", 0, 500, 5_000),
            config.kafka(),
            KafkaResultsFollower.From.COMMITTED,
            config.scoring())) {
      run(args);

      int windows = expectedWindows().size();
      int dead = poisons.size() + 1; // and the tombstone
      JsonNode summary = null;
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        summary = get(dashboard, "api/summary");
        if (summary.path("windows").asLong() >= windows
            && summary.path("deadLettersTotal").asLong() >= dead) {
          break;
        }
        Thread.sleep(200);
      }
      Thread.sleep(1_000); // anything more would be a window counted twice
      summary = get(dashboard, "api/summary");
      assertThat(summary.path("windows").asLong()).as("summary %s", summary).isEqualTo(windows);
      assertThat(summary.path("sensors").asInt()).isEqualTo(SENSORS.size());
      assertThat(summary.path("deadLettersTotal").asLong()).isEqualTo(dead);
      assertThat(summary.path("deadLetters").path("MALFORMED_JSON").asLong()).isPositive();
      assertThat(summary.path("source").asText()).contains(output).contains(deadLetters);

      JsonNode fleet = get(dashboard, "api/fleet?limit=50");
      List<String> listed = new ArrayList<>();
      fleet.path("rows").forEach(r -> listed.add(r.path("id").asText()));
      assertThat(listed).containsExactlyInAnyOrderElementsOf(SENSORS);
      int perSensor = READINGS_PER_SENSOR - SineSensors.TIMESTEPS + 1;
      fleet.path("rows").forEach(r -> assertThat(r.path("windows").asInt()).isEqualTo(perSensor));

      JsonNode sensor = get(dashboard, "api/sensor/" + SENSORS.get(0) + "?points=600");
      assertThat(sensor.path("modelVersion").asText()).isEqualTo(bundle.versionLabel());
      assertThat(sensor.path("score").size()).isEqualTo(perSensor);
      List<String> features = new ArrayList<>();
      sensor.path("features").forEach(f -> features.add(f.asText()));
      assertThat(features).containsExactlyElementsOf(SineSensors.FEATURES);
    }
  }

  private static JsonNode get(Dashboard dashboard, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(dashboard.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  // --- job -------------------------------------------------------------------------------------

  /** The job's command line: {@code --key value} pairs, {@code more} last (the last one wins). */
  private String[] jobArgs(String deliveryGuarantee, String... more) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("model.path", modelPath);
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
    // No reading is late: each subtask reads its partition in order and the watermark follows
    // the slower subtask.
    options.put("window.max-out-of-orderness", "1 s");
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

  /** Builds the cluster job exactly as {@code flink run} would, and runs it to the end. */
  private JobID run(String... args) throws Exception {
    Configuration conf = ScoringJobMain.configuration(args);
    JobConfig config = JobConfig.from(conf);
    StreamExecutionEnvironment env = ScoringJobMain.environment(conf, config);
    ScoringJobMain.define(env, config, ModelLoader.load(config.modelPath()).layout());
    return execute(env);
  }

  private static JobID execute(StreamExecutionEnvironment env) throws Exception {
    JobClient client = env.executeAsync(ScoringJobMain.JOB_NAME);
    client.getJobExecutionResult().get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return client.getJobID();
  }

  /** The highest execution attempt of any subtask: 0 when the job never restarted. */
  private static int maxAttempt(MiniCluster cluster, JobID job) throws Exception {
    ArchivedExecutionGraph graph = cluster.getArchivedExecutionGraph(job).get(10, TimeUnit.SECONDS);
    int max = 0;
    for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
      max = Math.max(max, vertex.getCurrentExecutionAttempt().getAttemptNumber());
    }
    return max;
  }

  // --- input -----------------------------------------------------------------------------------

  /**
   * Sends the readings keyed by sensor, sensor number {@code s} to partition {@code s % 2} (so each
   * sensor stays in order and both source subtasks have readings), and, when given, one poison
   * message without key after every few readings, then a tombstone.
   */
  private void produce(
      List<SineSensors.Reading> readings, List<PoisonMessages> poisons, boolean tombstone)
      throws Exception {
    int every =
        poisons.isEmpty() ? Integer.MAX_VALUE : Math.max(1, readings.size() / poisons.size());
    try (KafkaProducer<byte[], byte[]> producer =
        KAFKA.producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024 + 1024))) {
      int next = 0;
      for (int i = 0; i < readings.size(); i++) {
        SineSensors.Reading r = readings.get(i);
        int partition = SENSORS.indexOf(r.sensorId()) % PARALLELISM;
        byte[] key = r.sensorId().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(input, partition, key, r.payload()));
        if (i % every == every - 1 && next < poisons.size()) {
          producer.send(
              new ProducerRecord<>(input, next % PARALLELISM, null, poison(poisons, next++)));
        }
      }
      while (next < poisons.size()) {
        producer.send(
            new ProducerRecord<>(input, next % PARALLELISM, null, poison(poisons, next++)));
      }
      if (tombstone) {
        byte[] key = "pump-7".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<byte[], byte[]>(input, 0, key, null));
      }
      producer.flush();
    }
  }

  private static byte[] poison(List<PoisonMessages> poisons, int index) {
    return poisons.get(index).payload();
  }

  // --- expectations ----------------------------------------------------------------------------

  /** One line per window, {@code sensor start..end}: every window of every sensor, once. */
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
   * Exactly one OK result per window (no gaps, no duplicates), keyed by sensor, stamped with the
   * window end, scored by this model with the reconstruction error the model gives offline.
   */
  private static void assertResults(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
    AnomalyScorer scorer = new AnomalyScorer(bundle);
    List<String> windows = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      JsonNode json = JSON.readTree(record.value());
      String sensor = json.get("sensorId").asText();
      long start = json.get("windowStart").asLong();
      long end = json.get("windowEnd").asLong();
      windows.add(window(sensor, start, end));
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(sensor);
      assertThat(record.timestamp()).isEqualTo(end);
      assertThat(json.get("status").asText()).isEqualTo("OK");
      assertThat(json.get("modelVersion").asText()).isEqualTo(bundle.versionLabel());
      assertThat(json.get("threshold").asDouble()).isEqualTo(bundle.threshold());
      double offline =
          scorer.score(expectedWindow(sensor, end), null).record().reconstructionError();
      assertThat(json.get("reconstructionError").asDouble())
          .as("reconstruction error of %s", windows.get(windows.size() - 1))
          .isEqualTo(offline);
    }
    windows.sort(null);
    assertThat(windows).containsExactlyElementsOf(expectedWindows());
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

  /**
   * One dead letter per poison message (and the tombstone): the exact bytes, no key, the reason the
   * parser must give, stage parse and the input coordinates.
   */
  private void assertDeadLetters(
      List<ConsumerRecord<byte[], byte[]>> records,
      List<PoisonMessages> poisons,
      boolean tombstone) {
    Map<String, PoisonMessages> byPayload = new HashMap<>();
    for (PoisonMessages poison : poisons) {
      byPayload.put(Arrays.toString(poison.payload()), poison);
    }
    List<String> seen = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      assertThat(record.key()).isNull();
      assertThat(header(record, DeadLetterSerializer.STAGE)).isEqualTo("parse");
      assertThat(header(record, DeadLetterSerializer.SOURCE))
          .matches("kafka:" + input + "/\\d+@\\d+");
      assertThat(header(record, DeadLetterSerializer.DETAIL)).isNotBlank();
      String reason = header(record, DeadLetterSerializer.REASON);
      if (record.value() == null) {
        assertThat(reason).as("reason of the tombstone").isEqualTo("EMPTY_PAYLOAD");
        seen.add("TOMBSTONE");
      } else {
        PoisonMessages poison = byPayload.get(Arrays.toString(record.value()));
        assertThat(poison)
            .as("a poison message with exactly these %s bytes", record.value().length)
            .isNotNull();
        assertThat(reason).as("reason of %s", poison).isEqualTo(poison.expectedReason().name());
        seen.add(poison.name());
      }
    }
    List<String> expected = new ArrayList<>(poisons.stream().map(Enum::name).toList());
    if (tombstone) {
      expected.add("TOMBSTONE");
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Fails the job once, mid-stream: {@value #AFTER_CHECKPOINT_MS} ms after a checkpoint completed,
   * half-way to the next one, so the results and dead letters written since (several windows) are
   * replayed on restart. Until then it slows the source to 25 records a second per subtask, so
   * windows close while the input is read and the input cannot run out first. Static state: the
   * restarted job gets fresh instances in the same JVM.
   */
  static final class FailOnce extends RichMapFunction<RawReading, RawReading>
      implements CheckpointListener {
    static final long AFTER_CHECKPOINT_MS = 500;
    static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicLong CHECKPOINT_COMPLETED_AT = new AtomicLong();

    static void reset() {
      FAILED.set(false);
      CHECKPOINT_COMPLETED_AT.set(0);
    }

    @Override
    public RawReading map(RawReading raw) throws Exception {
      if (!FAILED.get()) {
        long completed = CHECKPOINT_COMPLETED_AT.get();
        if (completed > 0
            && System.currentTimeMillis() - completed >= AFTER_CHECKPOINT_MS
            && FAILED.compareAndSet(false, true)) {
          throw new IllegalStateException("injected failure after a completed checkpoint");
        }
        Thread.sleep(40);
      }
      return raw;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINT_COMPLETED_AT.set(System.currentTimeMillis());
    }
  }
}
