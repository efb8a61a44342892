package io.streamae.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.ingest.RawReading;
import io.streamae.model.io.ModelBundle;
import io.streamae.sink.RecordJson;
import io.streamae.testkit.CommittingCollectSink;
import io.streamae.testkit.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real job graph on a Flink MiniCluster (parallelism 2, checkpointing on, explicit restart
 * strategy): exactly the expected windows are scored, injected faults are flagged, bad input
 * becomes dead letters, a failure mid-stream neither loses nor duplicates a window, and scoring
 * windows in batches gives the results of scoring them one by one.
 */
class AnomalyDetectionJobITCase {
  private static final int T = 8;
  private static final int STEPS = 80;
  private static final List<String> SENSORS = List.of("s-1", "s-2", "s-3");
  private static final int FAULT_FROM = 50;
  private static final int FAULT_TO = 56;

  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir static Path dir;
  private static String modelPath;

  @BeforeAll
  static void trainModel() throws Exception {
    ModelBundle bundle = TestModels.sineBundle(T, 30);
    Path file = dir.resolve("model.sae");
    bundle.write(file);
    modelPath = file.toString();
  }

  /**
   * Readings of all sensors interleaved by step; s-3 runs hot during the fault; bad input mixed in.
   */
  private static List<RawReading> input() {
    List<RawReading> out = new ArrayList<>();
    for (int step = 0; step < STEPS; step++) {
      for (int s = 0; s < SENSORS.size(); s++) {
        float[] v = TestModels.sineValues(s, step);
        if (s == 2 && step >= FAULT_FROM && step < FAULT_TO) {
          v[0] += 12;
        }
        out.add(raw(reading(SENSORS.get(s), TestModels.T0 + step * TestModels.STEP, v)));
      }
      if (step == 20) {
        out.add(
            raw(
                "{\"sensorId\":\"s-1\",\"ts\":"
                    + TestModels.T0
                    + ",\"values\":{\"temp\":NaN,\"current\":1}}"));
        out.add(raw("{not json"));
        // exact duplicate of s-2's reading at step 20
        out.add(
            raw(
                reading(
                    "s-2", TestModels.T0 + 20 * TestModels.STEP, TestModels.sineValues(1, 20))));
      }
      if (step == 40) {
        // s-1 at step 10: far behind the watermark by now
        out.add(
            raw(
                reading(
                    "s-1",
                    TestModels.T0 + 10 * TestModels.STEP + 1,
                    TestModels.sineValues(0, 10))));
      }
    }
    return out;
  }

  private static String reading(String sensor, long ts, float[] v) {
    return String.format(
        Locale.ROOT,
        "{\"sensorId\":\"%s\",\"ts\":%d,\"values\":{\"temp\":%.5f,\"current\":%.5f}}",
        sensor,
        ts,
        v[0],
        v[1]);
  }

  private static RawReading raw(String payload) {
    return new RawReading(payload.getBytes(StandardCharsets.UTF_8), "test", 0L);
  }

  private static StreamExecutionEnvironment env() {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
    // Whether a reading is late depends on the watermark it meets. The periodic watermark (200 ms
    // by default) starts from nothing at start-up and after a restore, so with the default the
    // 90 readings (180 ms) between s-1's step 10 and its late copy could pass before the first
    // watermark and the copy would count as on time. Every 5 ms makes the watermark keep up.
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(5));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }

  private static JobConfig config(int batchSize) {
    Configuration c = new Configuration();
    c.set(JobOptions.MODEL_BATCH_SIZE, batchSize);
    c.set(JobOptions.MODEL_PATH, modelPath);
    c.set(JobOptions.MAX_OUT_OF_ORDERNESS, Duration.ofMinutes(2));
    c.set(JobOptions.MAX_FUTURE_SKEW, Duration.ofDays(3650));
    // 73 windows per sensor, the fault from window 43: learn the errors from the first 20.
    c.set(JobOptions.SCORING_WARMUP_WINDOWS, 20);
    return JobConfig.from(c);
  }

  private record Run(List<JsonNode> results, List<JsonNode> deadLetters, JobExecutionResult job) {}

  private static Run run(boolean injectFailure) throws Exception {
    return run(injectFailure, JobOptions.MODEL_BATCH_SIZE.defaultValue());
  }

  private static Run run(boolean injectFailure, int batchSize) throws Exception {
    String id = UUID.randomUUID().toString();
    StreamExecutionEnvironment env = env();
    DataStream<RawReading> raw =
        env.fromData(input(), TypeInformation.of(RawReading.class))
            .setParallelism(1)
            .map(new Throttle(injectFailure ? 150 : -1))
            .setParallelism(1);
    JobConfig config = config(batchSize);
    AnomalyDetectionJob job =
        new AnomalyDetectionJob(config, ModelBundle.read(Path.of(modelPath)).layout());
    job.build(raw)
        .sinkTo(
            new CommittingCollectSink<>(id + "-results", RecordJson::result),
            new CommittingCollectSink<>(id + "-dead", RecordJson::deadLetter));
    JobExecutionResult result = env.execute("it");
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> results = new ArrayList<>();
    for (String line : CommittingCollectSink.committed(id + "-results")) {
      results.add(json.readTree(line));
    }
    List<JsonNode> dead = new ArrayList<>();
    for (String line : CommittingCollectSink.committed(id + "-dead")) {
      dead.add(json.readTree(line));
    }
    return new Run(results, dead, result);
  }

  /** Expected (sensor, window end) of every window: each sensor's steps T-1 .. STEPS-1. */
  private static Set<String> expectedWindows() {
    Set<String> out = new HashSet<>();
    for (String s : SENSORS) {
      for (int step = T - 1; step < STEPS; step++) {
        out.add(s + "@" + (TestModels.T0 + step * TestModels.STEP));
      }
    }
    return out;
  }

  private static List<String> windowKeys(List<JsonNode> results) {
    List<String> keys = new ArrayList<>();
    for (JsonNode r : results) {
      keys.add(r.get("sensorId").asText() + "@" + r.get("windowEnd").asLong());
    }
    return keys;
  }

  @Test
  void scoresExactlyTheExpectedWindowsFlagsTheFaultAndDeadLettersBadInput() throws Exception {
    Run run = run(false);

    assertExactlyTheExpectedWindows(windowKeys(run.results()));

    Map<String, Integer> reasons = new HashMap<>();
    for (JsonNode d : run.deadLetters()) {
      reasons.merge(d.get("reason").asText(), 1, Integer::sum);
    }
    assertThat(reasons)
        .containsEntry("NON_FINITE_VALUE", 1)
        .containsEntry("MALFORMED_JSON", 1)
        .containsEntry("LATE_READING", 1);
    assertThat(run.deadLetters())
        .filteredOn(d -> d.get("reason").asText().equals("MALFORMED_JSON"))
        .first()
        .satisfies(d -> assertThat(d.get("payload").asText()).isEqualTo("{not json"));

    long faultEnd = TestModels.T0 + (FAULT_TO - 1) * TestModels.STEP;
    long faultStart = TestModels.T0 + FAULT_FROM * TestModels.STEP;
    List<JsonNode> s3 =
        run.results().stream().filter(r -> r.get("sensorId").asText().equals("s-3")).toList();
    assertThat(s3)
        .filteredOn(
            r ->
                r.get("windowEnd").asLong() >= faultStart
                    && r.get("windowEnd").asLong() <= faultEnd)
        .hasSize(FAULT_TO - FAULT_FROM)
        .allSatisfy(
            r -> {
              assertThat(r.get("anomalous").asBoolean()).isTrue();
              assertThat(r.get("attribution").get(0).get("feature").asText()).isEqualTo("temp");
            });
    long healthyAlarms =
        run.results().stream()
            .filter(
                r -> !r.get("sensorId").asText().equals("s-3") && r.get("anomalous").asBoolean())
            .count();
    assertThat(healthyAlarms).as("false alarms on healthy sensors").isLessThanOrEqualTo(3);
    assertThat(run.results())
        .allSatisfy(r -> assertThat(r.get("modelVersion").asText()).isEqualTo("test-sine:1"));
    // Calibrated: the first 20 windows of every sensor warm up with score 0; then scores in [0, 1].
    assertThat(run.results())
        .allSatisfy(
            r -> {
              boolean warming =
                  r.get("windowEnd").asLong() < TestModels.T0 + (T - 1 + 20) * TestModels.STEP;
              assertThat(r.get("warmingUp").asBoolean()).isEqualTo(warming);
              assertThat(r.get("anomalyScore").asDouble()).isBetween(0.0, warming ? 0.0 : 1.0);
            });
  }

  @Test
  void aFailureMidStreamLosesAndDuplicatesNoWindow() throws Exception {
    Throttle.FAILED.set(false);
    Run run = run(true);
    assertThat(Throttle.FAILED).isTrue();
    assertExactlyTheExpectedWindows(windowKeys(run.results()));
  }

  /** Fails naming the missing and the unexpected windows, not two sets of 219 entries. */
  private static void assertExactlyTheExpectedWindows(List<String> keys) {
    assertThat(keys).doesNotHaveDuplicates();
    Set<String> missing = new TreeSet<>(expectedWindows());
    missing.removeAll(keys);
    Set<String> unexpected = new TreeSet<>(keys);
    unexpected.removeAll(expectedWindows());
    assertThat(missing).as("windows missing").isEmpty();
    assertThat(unexpected).as("windows not expected").isEmpty();
  }

  @Test
  void scoringWindowsInBatchesChangesNoResult() throws Exception {
    Map<String, JsonNode> batched = byWindow(run(false).results());
    Map<String, JsonNode> oneByOne = byWindow(run(false, 1).results());

    assertThat(batched.keySet()).isEqualTo(oneByOne.keySet()).isEqualTo(expectedWindows());
    for (var e : oneByOne.entrySet()) {
      JsonNode a = batched.get(e.getKey());
      JsonNode b = e.getValue();
      assertThat(a.get("anomalous").asBoolean())
          .as(e.getKey())
          .isEqualTo(b.get("anomalous").asBoolean());
      assertThat(a.get("warmingUp").asBoolean())
          .as(e.getKey())
          .isEqualTo(b.get("warmingUp").asBoolean());
      for (String number : List.of("reconstructionError", "predictionError", "anomalyScore")) {
        if (b.get(number).isNumber()) {
          assertThat(a.get(number).asDouble())
              .as(e.getKey() + " " + number)
              .isCloseTo(b.get(number).asDouble(), within(1e-5));
        } else {
          assertThat(a.get(number)).as(e.getKey() + " " + number).isEqualTo(b.get(number));
        }
      }
    }
  }

  private static Map<String, JsonNode> byWindow(List<JsonNode> results) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode r : results) {
      out.put(r.get("sensorId").asText() + "@" + r.get("windowEnd").asLong(), r);
    }
    return out;
  }

  /** Slows the source so checkpoints happen mid-stream; optionally fails once at element n. */
  static final class Throttle extends RichMapFunction<RawReading, RawReading> {
    static final AtomicBoolean FAILED = new AtomicBoolean();
    private final int failAt;
    private int seen;

    Throttle(int failAt) {
      this.failAt = failAt;
    }

    @Override
    public RawReading map(RawReading value) throws Exception {
      Thread.sleep(2);
      if (++seen == failAt && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure");
      }
      return value;
    }
  }
}
