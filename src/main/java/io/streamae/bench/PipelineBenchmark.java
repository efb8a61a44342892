package io.streamae.bench;

import io.streamae.ingest.RawReading;
import io.streamae.job.AnomalyDetectionJob;
import io.streamae.job.JobConfig;
import io.streamae.job.JobOptions;
import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.io.ModelMetadata;
import io.streamae.model.training.Percentiles;
import io.streamae.sink.AnomalyRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * End-to-end throughput and latency of the scoring job on a local Flink environment: an in-memory
 * generator (event time = wall-clock time of generation) → the production job graph → a sink that
 * records, per result, how long after its last reading was generated it arrived.
 */
public final class PipelineBenchmark {
  private static final long[] LATENCIES = new long[4_000_000];
  private static final AtomicLong COUNT = new AtomicLong();
  private static final AtomicLong FIRST = new AtomicLong();
  private static final AtomicLong LAST = new AtomicLong();

  private PipelineBenchmark() {}

  /** Measured figures. */
  public record Result(
      long readings,
      long windows,
      int batchSize,
      double readingsPerSecond,
      double p50Ms,
      double p99Ms) {
    public String line(String pipeline) {
      return String.format(
          Locale.ROOT,
          "bench e2e pipeline=%s batch=%d readings=%d readings_per_s=%.0f p50_ms=%.1f p99_ms=%.1f",
          pipeline,
          batchSize,
          readings,
          readingsPerSecond,
          p50Ms,
          p99Ms);
    }
  }

  /** A bundle of config B's shape (8 features) with initial weights, written to {@code file}. */
  public static Path configBBundle(Path file) throws java.io.IOException {
    ModelBenchmark.Config b = ModelBenchmark.B;
    AutoencoderSpec spec = b.spec();
    AutoencoderNetwork network = ModelBenchmark.randomNetwork(spec, 7);
    List<String> features = new ArrayList<>();
    for (int f = 0; f < b.features(); f++) {
      features.add("f" + f);
    }
    double[] zeros = new double[b.features()];
    double[] ones = new double[b.features()];
    Arrays.fill(ones, 1.0);
    ModelMetadata metadata =
        new ModelMetadata(
            ModelBundle.FORMAT_VERSION,
            "bench-B",
            "1",
            java.time.Instant.now().toString(),
            spec,
            features,
            new ModelMetadata.Normalization(zeros, ones),
            new ModelMetadata.Calibration(
                "sigma",
                3,
                "reconstruction",
                1.0,
                new ModelMetadata.ErrorSummary(1, 0, 0, 0, 0, 0, 0)),
            new ModelMetadata.Provenance(
                "initial weights", "none", 0, 0, 0, 0, 0, 0, 0, 7, Map.of(), Map.of()),
            null);
    ModelBundle.of(metadata, network).write(file);
    return file;
  }

  /**
   * Runs {@code readings} readings of {@code sensors} sensors through the job.
   *
   * @param ratePerSecond readings per second, 0 = as fast as possible
   * @param batchSize {@code model.batch-size} of the scoring operator
   */
  public static Result run(
      Path model, int sensors, long readings, double ratePerSecond, int parallelism, int batchSize)
      throws Exception {
    COUNT.set(0);
    FIRST.set(0);
    LAST.set(0);
    ModelBundle bundle = ModelBundle.read(model);
    int features = bundle.layout().features();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(10));
    // Flush network buffers every 5 ms instead of 100 ms: latency over the last bit of throughput.
    conf.set(org.apache.flink.configuration.ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(5));
    conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

    GeneratorFunction<Long, RawReading> generator = new WallClockReadings(sensors, features);
    RateLimiterStrategy limiter =
        ratePerSecond > 0
            ? RateLimiterStrategy.perSecond(ratePerSecond)
            : RateLimiterStrategy.noOp();
    var source =
        new DataGeneratorSource<>(
            generator, readings, limiter, TypeInformation.of(RawReading.class));

    Configuration jobConf = generatedInput(model);
    jobConf.set(JobOptions.MODEL_BATCH_SIZE, batchSize);
    JobConfig config = JobConfig.from(jobConf);
    var outputs =
        new AnomalyDetectionJob(config, bundle.layout())
            .build(
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "bench-source")
                    .setParallelism(1));
    outputs.results().sinkTo(new LatencySink()).name("latency-sink");
    outputs.deadLetters().sinkTo(new DiscardSink<>()).name("discard-dead-letters");
    env.execute("bench-e2e");

    long n = COUNT.get();
    long[] sorted = Arrays.copyOf(LATENCIES, (int) Math.min(n, LATENCIES.length));
    Arrays.sort(sorted);
    double seconds = Math.max(1e-3, (LAST.get() - FIRST.get()) / 1e9);
    double windowsPerSecond = n / seconds;
    // One window per reading once every sensor's first window is full (slide 1).
    return new Result(
        readings,
        n,
        batchSize,
        windowsPerSecond,
        Percentiles.ofSorted(sorted, 50) / 1000.0,
        Percentiles.ofSorted(sorted, 99) / 1000.0);
  }

  /**
   * Job options for a generator that sends each sensor's readings in order, stamped with any time:
   * no out-of-orderness to wait for, no future-skew or gap limits.
   */
  static Configuration generatedInput(Path model) {
    Configuration jobConf = new Configuration();
    jobConf.set(JobOptions.MODEL_PATH, model.toString());
    jobConf.set(JobOptions.MAX_OUT_OF_ORDERNESS, Duration.ZERO);
    jobConf.set(JobOptions.MAX_FUTURE_SKEW, Duration.ofDays(365 * 1000L));
    jobConf.set(JobOptions.MAX_GAP, Duration.ofDays(365 * 1000L));
    return jobConf;
  }

  /** Records arrival latency of each result: now − event time of the window's last reading. */
  static final class LatencySink implements Sink<AnomalyRecord> {
    @Override
    public SinkWriter<AnomalyRecord> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(AnomalyRecord r, Context ctx) {
          long nowNanos = System.nanoTime();
          // Event time is the wall-clock time the reading was generated (see WallClockReadings).
          long latencyMicros = (System.currentTimeMillis() - r.windowEnd()) * 1000;
          long i = COUNT.getAndIncrement();
          if (i == 0) {
            FIRST.set(nowNanos);
          }
          LAST.set(nowNanos);
          if (i < LATENCIES.length) {
            LATENCIES[(int) i] = Math.max(0, latencyMicros);
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }

  /**
   * Readings stamped with the wall-clock time of their generation (one source subtask), kept
   * strictly increasing per sensor, so result arrival time minus window end is event-to-result
   * latency.
   */
  static final class WallClockReadings implements GeneratorFunction<Long, RawReading> {
    private final int sensors;
    private final int features;
    private long[] last;

    WallClockReadings(int sensors, int features) {
      this.sensors = sensors;
      this.features = features;
    }

    @Override
    public RawReading map(Long index) {
      if (last == null) {
        last = new long[sensors];
      }
      int sensor = (int) (index % sensors);
      long now = System.currentTimeMillis();
      long ts = Math.max(now, last[sensor] + 1);
      last[sensor] = ts;
      StringBuilder sb =
          new StringBuilder(160)
              .append("{\"sensorId\":\"s-")
              .append(sensor)
              .append("\",\"ts\":")
              .append(ts)
              .append(",\"values\":[");
      for (int f = 0; f < features; f++) {
        // Three decimals without java.util.Formatter, which would cost more than parsing them.
        sb.append(f == 0 ? "" : ",").append(Math.round(Math.sin(index * 0.01 + f) * 1000) / 1000.0);
      }
      sb.append("]}");
      return new RawReading(sb.toString().getBytes(StandardCharsets.UTF_8), "bench", now);
    }
  }

  static final class DiscardSink<T> implements Sink<T> {
    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(T element, Context ctx) {}

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
