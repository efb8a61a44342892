package io.streamae.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.job.JobConfig;
import io.streamae.job.JobOptions;
import io.streamae.job.ScoringJobMain;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.Percentiles;
import io.streamae.scoring.ModelLoader;
import io.streamae.tensor.TensorLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka → Kafka throughput of the cluster job: writes {@code --readings} readings of {@code
 * --sensors} sensors to a fresh input topic first, then runs the production pipeline ({@link
 * ScoringJobMain#define}) over exactly those records ({@code kafka.stopping-offsets: latest}) and
 * reads the results back. The result topic is created with {@code message.timestamp.type:
 * LogAppendTime}, so each result's timestamp is when the broker received it. The figures are
 * readings ÷ (last result − first result); the steady rate, results per second over the second half
 * of the results (a new job's classes start cold); and readings ÷ the job's net run time (task
 * deployment and start-up included).
 *
 * <p>Runs where {@code StreamExecutionEnvironment.getExecutionEnvironment()} points: a local
 * MiniCluster with {@code java -cp target/streamae.jar}, the session cluster with {@code flink run}
 * (attached, no {@code -d}). Every other {@code --key value} is a job option, as for {@link
 * ScoringJobMain} ({@code --config jobs/scoring/job.yaml} included); {@code model.path} and {@code
 * kafka.bootstrap-servers} are required, the topics and group are created per run.
 *
 * <pre>
 * java -cp target/streamae.jar io.streamae.bench.KafkaPipelineBenchmark \
 *     --kafka.bootstrap-servers localhost:9092 --model.path model.sae \
 *     --readings 200000 --sensors 20 --partitions 2 --parallelism.default 2
 * flink run -c io.streamae.bench.KafkaPipelineBenchmark target/streamae-job.jar ...same options
 * </pre>
 *
 * Prints one line: {@code bench kafka readings=… results=… readings_per_s=… steady_readings_per_s=…
 * job_s=… …}.
 *
 * <p>With {@code --rate R} it measures latency instead: the job starts on the empty topic, the
 * readings are written at R per second stamped with their send time, and the line is {@code bench
 * kafka-latency … p50_ms=… p99_ms=…} (result append time − window end). Pass {@code
 * --window.max-out-of-orderness "0 s"} for input in order per sensor, or every window also waits
 * that long for its watermark.
 */
public final class KafkaPipelineBenchmark {
  private static final long INTERVAL_MS = 1_000;

  private KafkaPipelineBenchmark() {}

  /** Measured figures of one run. */
  public record Result(
      long readings,
      int sensors,
      int parallelism,
      long results,
      long deadLetters,
      double produceSeconds,
      double jobSeconds,
      double firstToLastResultSeconds,
      double secondHalfSeconds)
      implements Report {

    /** Readings per second from the first result to the last one. */
    public double readingsPerSecond() {
      return readings / Math.max(1e-3, firstToLastResultSeconds);
    }

    /**
     * Results per second over the second half of the results (by append time): the job's steady
     * rate once its classes are compiled, one result per reading at slide 1. A job's first seconds
     * run cold: its classes are new to the JVM, and on 2 cores the JIT compilers took 17–27% of the
     * CPU time of whole 200,000–600,000-reading runs.
     */
    public double steadyReadingsPerSecond() {
      return (results - results / 2) / Math.max(1e-3, secondHalfSeconds);
    }

    public String line() {
      return String.format(
          Locale.ROOT,
          "bench kafka readings=%d sensors=%d parallelism=%d results=%d dead_letters=%d"
              + " readings_per_s=%.0f steady_readings_per_s=%.0f first_to_last_result_s=%.1f"
              + " job_s=%.1f job_readings_per_s=%.0f produce_s=%.1f",
          readings,
          sensors,
          parallelism,
          results,
          deadLetters,
          readingsPerSecond(),
          steadyReadingsPerSecond(),
          firstToLastResultSeconds,
          jobSeconds,
          readings / Math.max(1e-3, jobSeconds),
          produceSeconds);
    }
  }

  public static void main(String[] args) throws Exception {
    System.out.println(measure(args).line());
  }

  /** A run's figures as one line. */
  public interface Report {
    String line();
  }

  /** The throughput run: {@link #measure} without {@code --rate}. */
  public static Result run(String... args) throws Exception {
    if (measure(args) instanceof Result result) {
      return result;
    }
    throw new IllegalArgumentException("--rate measures latency, not throughput");
  }

  /**
   * Without {@code --rate}: produces, runs the job to the end of its input and reads the results
   * back ({@link Result}). With it: the latency run ({@link LatencyResult}).
   *
   * @param args {@code --readings N} (default 200000), {@code --sensors S} (default 20), {@code
   *     --partitions P} of the input topic (default 2), {@code --rate R} (readings/s, default 0:
   *     throughput), and job options as {@code --key value}
   */
  public static Report measure(String... args) throws Exception {
    long readings = 200_000;
    int sensors = 20;
    int partitions = 2;
    double rate = 0;
    List<String> jobArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--readings" -> readings = Long.parseLong(require(args[i], value));
        case "--sensors" -> sensors = Integer.parseInt(require(args[i], value));
        case "--partitions" -> partitions = Integer.parseInt(require(args[i], value));
        case "--rate" -> rate = Double.parseDouble(require(args[i], value));
        default -> {
          jobArgs.add(args[i]);
          continue;
        }
      }
      i++;
    }
    if (readings < 1 || sensors < 1 || partitions < 1) {
      throw new IllegalArgumentException(
          String.format(
              "--readings (%s), --sensors (%s) and --partitions (%s) must be positive",
              readings, sensors, partitions));
    }

    String suffix = Long.toString(System.currentTimeMillis());
    String input = "bench-readings-" + suffix;
    String output = "bench-results-" + suffix;
    String deadLetters = "bench-dead-letters-" + suffix;
    jobArgs.addAll(
        List.of(
            "--" + JobOptions.KAFKA_INPUT_TOPIC.key(),
            input,
            "--" + JobOptions.KAFKA_OUTPUT_TOPIC.key(),
            output,
            "--" + JobOptions.KAFKA_DEAD_LETTER_TOPIC.key(),
            deadLetters,
            "--" + JobOptions.KAFKA_GROUP_ID.key(),
            "bench-" + suffix,
            "--" + JobOptions.KAFKA_STARTING_OFFSETS.key(),
            "earliest",
            "--" + JobOptions.KAFKA_STOPPING_OFFSETS.key(),
            rate > 0 ? "none" : "latest"));
    Configuration conf = ScoringJobMain.configuration(jobArgs.toArray(String[]::new));
    JobConfig config = JobConfig.from(conf);
    ModelBundle bundle = ModelLoader.load(config.modelPath());
    String servers = config.kafka().bootstrapServers();
    if (servers == null) {
      throw new IllegalArgumentException(
          String.format("--%s is required", JobOptions.KAFKA_BOOTSTRAP_SERVERS.key()));
    }

    try (Admin admin = Admin.create(clientProperties(servers))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(input, partitions, (short) 1),
                  new NewTopic(output, partitions, (short) 1)
                      .configs(Map.of("message.timestamp.type", "LogAppendTime")),
                  new NewTopic(deadLetters, 1, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
      awaitLeaders(admin, List.of(input, output, deadLetters), Duration.ofSeconds(60));
      if (rate > 0) {
        return atRate(
            conf,
            config,
            bundle.layout(),
            servers,
            input,
            output,
            partitions,
            sensors,
            readings,
            rate);
      }

      long produceStart = System.nanoTime();
      produce(servers, input, partitions, bundle.layout(), sensors, readings);
      double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
      long written = endOffsets(admin, input, partitions);
      if (written != readings) {
        throw new IllegalStateException(
            String.format("%s holds %s records, %s were sent", input, written, readings));
      }

      StreamExecutionEnvironment env = ScoringJobMain.environment(conf, config);
      ScoringJobMain.define(env, config, bundle.layout());
      JobExecutionResult result = env.execute("streamae-kafka-benchmark");
      double jobSeconds = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;

      long[] appended = resultAppendTimes(servers, output);
      long dead = endOffsets(admin, deadLetters, 1);
      int n = appended.length;
      return new Result(
          readings,
          sensors,
          env.getParallelism(),
          n,
          dead,
          produceSeconds,
          jobSeconds,
          n == 0 ? 0 : (appended[n - 1] - appended[0]) / 1e3,
          n == 0 ? 0 : (appended[n - 1] - appended[n / 2]) / 1e3);
    }
  }

  /** Event-to-result latency at a fixed input rate. */
  public record LatencyResult(
      long readings,
      int sensors,
      int parallelism,
      double ratePerSecond,
      long results,
      double p50Ms,
      double p99Ms)
      implements Report {
    public String line() {
      return String.format(
          Locale.ROOT,
          "bench kafka-latency readings=%d sensors=%d parallelism=%d rate=%.0f results=%d p50_ms=%.0f p99_ms=%.0f",
          readings,
          sensors,
          parallelism,
          ratePerSecond,
          results,
          p50Ms,
          p99Ms);
    }
  }

  /**
   * Starts the job on the empty input topic, then writes readings at {@code rate} per second, each
   * stamped with the time it is sent, and reads the results as they come: a result's broker append
   * time minus its window end (the send time of the window's last reading) is the event-to-result
   * latency, producer and both topics included. The first half of the results is left out of the
   * percentiles: a new job's classes start cold (C2 needs seconds for the vector kernel) and the
   * backlog of those seconds drains only at the spare rate. The job is cancelled at the end.
   */
  private static LatencyResult atRate(
      Configuration conf,
      JobConfig config,
      TensorLayout layout,
      String servers,
      String input,
      String output,
      int partitions,
      int sensors,
      long readings,
      double rate)
      throws Exception {
    StreamExecutionEnvironment env = ScoringJobMain.environment(conf, config);
    ScoringJobMain.define(env, config, layout);
    JobClient job = env.executeAsync("streamae-kafka-latency-benchmark");
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (job.getJobStatus().get(30, TimeUnit.SECONDS) != JobStatus.RUNNING) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the job is not running after 2 minutes");
        }
        Thread.sleep(100);
      }
      Thread.sleep(2_000); // sources assigned their partitions
      produceAtRate(servers, input, partitions, layout, sensors, readings, rate);
      long expected = (long) sensors * (readings / sensors - layout.timesteps() + 1);
      long[] latencies = readLatencies(servers, output, expected, sensors);
      long[] measured = Arrays.copyOfRange(latencies, latencies.length / 2, latencies.length);
      Arrays.sort(measured);
      return new LatencyResult(
          readings,
          sensors,
          env.getParallelism(),
          rate,
          latencies.length,
          Percentiles.ofSorted(measured, 50),
          Percentiles.ofSorted(measured, 99));
    } finally {
      job.cancel().get(1, TimeUnit.MINUTES);
    }
  }

  /** Like {@link #produce}, paced to {@code rate} per second and stamped with the send time. */
  private static void produceAtRate(
      String servers,
      String topic,
      int partitions,
      TensorLayout layout,
      int sensors,
      long readings,
      double rate)
      throws Exception {
    Properties props = clientProperties(servers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    List<String> features = layout.featureNames();
    long[] last = new long[sensors];
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      StringBuilder json = new StringBuilder(64 + 32 * features.size());
      for (long n = 0; n < readings; n++) {
        long due = start + (long) (n * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
          Thread.sleep(wait / 1_000_000);
        }
        int s = (int) (n % sensors);
        long step = n / sensors;
        long ts = Math.max(System.currentTimeMillis(), last[s] + 1);
        last[s] = ts;
        reading(json, s, step, ts, features);
        producer.send(
            new ProducerRecord<>(
                topic,
                s % partitions,
                sensorId(s).getBytes(StandardCharsets.UTF_8),
                json.toString().getBytes(StandardCharsets.UTF_8)),
            (metadata, exception) -> {
              if (exception != null) {
                failed.incrementAndGet();
              }
            });
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(
          String.format("%s of %s readings could not be written", failed, readings));
    }
  }

  /** Append time minus window end of each result, in arrival order. */
  private static long[] readLatencies(String servers, String topic, long expected, int sensors)
      throws Exception {
    Properties props = consumerProperties(servers);
    ObjectMapper json = new ObjectMapper();
    List<Long> latencies = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = fromTheBeginning(consumer, topic);
      // The newest readings wait for a watermark past them, which only newer input would bring:
      // up to one window per sensor may stay unscored at the end.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      long settled = Long.MAX_VALUE;
      while (latencies.size() < expected && System.nanoTime() < settled) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              String.format("%s of %s results within 2 minutes", latencies.size(), expected));
        }
        if (settled == Long.MAX_VALUE && latencies.size() >= expected - sensors) {
          settled = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          long windowEnd = json.readTree(record.value()).get("windowEnd").asLong();
          latencies.add(record.timestamp() - windowEnd);
        }
      }
    }
    return latencies.stream().mapToLong(Long::longValue).toArray();
  }

  private static String require(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(String.format("option %s needs a value", option));
    }
    return value;
  }

  /**
   * Sensor {@code s} to partition {@code s % partitions}, keyed, one reading a second of event time
   * per sensor, interleaved, ending an hour ago; values are smooth sines per feature.
   */
  private static void produce(
      String servers, String topic, int partitions, TensorLayout layout, int sensors, long readings)
      throws Exception {
    long perSensor = (readings + sensors - 1) / sensors;
    long t0 = System.currentTimeMillis() - 3_600_000L - perSensor * INTERVAL_MS;
    Properties props = clientProperties(servers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    // One batch in flight per partition: a retried first batch of a fresh partition cannot be
    // overtaken by the next one (the broker then takes the second as the producer's first and
    // refuses the retry as out of order until it expires, losing its readings).
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    List<String> features = layout.featureNames();
    byte[][] keys = new byte[sensors][];
    for (int s = 0; s < sensors; s++) {
      keys[s] = sensorId(s).getBytes(StandardCharsets.UTF_8);
    }
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    Callback check =
        (metadata, exception) -> {
          if (exception != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
          }
        };
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      StringBuilder json = new StringBuilder(64 + 32 * features.size());
      for (long n = 0; n < readings; n++) {
        int s = (int) (n % sensors);
        long step = n / sensors;
        reading(json, s, step, t0 + step * INTERVAL_MS, features);
        producer.send(
            new ProducerRecord<>(
                topic, s % partitions, keys[s], json.toString().getBytes(StandardCharsets.UTF_8)),
            check);
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(
          String.format("%s of %s readings could not be written to %s", failed, readings, topic),
          firstFailure.get());
    }
  }

  /**
   * Waits until every partition of {@code topics} has a leader. Creation completes before the
   * broker's metadata has the topics, so describing them may first fail as unknown.
   */
  private static void awaitLeaders(Admin admin, List<String> topics, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ready;
      try {
        ready =
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                .flatMap(description -> description.partitions().stream())
                .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        ready = false;
      }
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            String.format("topics %s have no leader after %s", topics, timeout));
      }
      Thread.sleep(100);
    }
  }

  /**
   * Sensor {@code s}'s reading of step {@code step} at {@code ts} into {@code json}: smooth sines.
   */
  private static void reading(
      StringBuilder json, int s, long step, long ts, List<String> features) {
    json.setLength(0);
    json.append("{\"sensorId\":\"")
        .append(sensorId(s))
        .append("\",\"ts\":")
        .append(ts)
        .append(",\"values\":{");
    for (int f = 0; f < features.size(); f++) {
      double phase = 2 * Math.PI * step / 24.0 + s + f;
      json.append(f == 0 ? "\"" : ",\"")
          .append(features.get(f))
          .append("\":")
          .append(Float.toString((float) Math.sin(phase)));
    }
    json.append("}}");
  }

  private static String sensorId(int s) {
    return "sensor-" + s;
  }

  /** The broker append times of every record of {@code topic}, sorted. */
  private static long[] resultAppendTimes(String servers, String topic) {
    Properties props = consumerProperties(servers);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    long[] times = new long[1 << 16];
    int count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = fromTheBeginning(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              String.format("could not read %s to its end %s within 5 min", topic, end));
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.timestampType() != TimestampType.LOG_APPEND_TIME) {
            throw new IllegalStateException(
                String.format("%s has %s timestamps", topic, record.timestampType()));
          }
          if (count == times.length) {
            times = Arrays.copyOf(times, 2 * count);
          }
          times[count++] = record.timestamp();
        }
      }
    }
    long[] sorted = Arrays.copyOf(times, count);
    Arrays.sort(sorted);
    return sorted;
  }

  private static long endOffsets(Admin admin, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(info -> info.offset())
        .sum();
  }

  /** A byte-array consumer without a group's offsets. */
  private static Properties consumerProperties(String servers) {
    Properties props = clientProperties(servers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return props;
  }

  /** Assigns every partition of {@code topic} and seeks to its beginning. */
  private static List<TopicPartition> fromTheBeginning(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  private static Properties clientProperties(String servers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    return props;
  }
}
