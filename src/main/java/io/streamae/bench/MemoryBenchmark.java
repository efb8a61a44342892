package io.streamae.bench;

import io.streamae.ingest.RawReading;
import io.streamae.job.AnomalyDetectionJob;
import io.streamae.job.JobConfig;
import io.streamae.job.JobOptions;
import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Keyed state per sensor, measured on the production job graph (heap state backend, parallelism 2):
 * {@code sensors} sensors send one window's worth of readings each, so every sensor holds a full
 * window buffer, a stored prediction and a calibrated error distribution. While the job idles with
 * that state, the benchmark records the heap in use after a full GC and takes a canonical
 * savepoint, whose size is the serialised state (what a checkpoint or RocksDB holds). Run twice
 * with different sensor counts in one JVM, the difference divided by the difference in sensors is
 * the cost of one more sensor, free of the fixed cost of Flink and the model.
 */
public final class MemoryBenchmark {
  private static final AtomicLong WINDOWS = new AtomicLong();

  /** Windows ending at or before this event time are the sensors' first ones. */
  private static final AtomicLong FILL_END = new AtomicLong();

  private MemoryBenchmark() {}

  /** Heap in use and savepoint size with {@code sensors} sensors' state loaded. */
  public record Point(int sensors, long heapBytes, long savepointBytes) {
    public String line() {
      return String.format(
          Locale.ROOT,
          "bench memory sensors=%d heap_mb=%.1f savepoint_mb=%.1f",
          sensors,
          heapBytes / 1e6,
          savepointBytes / 1e6);
    }
  }

  /** Per-sensor cost between two points. */
  public static String perSensor(Point small, Point large) {
    double sensors = large.sensors() - small.sensors();
    return String.format(
        Locale.ROOT,
        "bench memory per_sensor heap_bytes=%.0f state_bytes=%.0f (from %d to %d sensors)",
        (large.heapBytes() - small.heapBytes()) / sensors,
        (large.savepointBytes() - small.savepointBytes()) / sensors,
        small.sensors(),
        large.sensors());
  }

  public static Point run(Path model, int sensors, Path work) throws Exception {
    WINDOWS.set(0);
    ModelBundle bundle = ModelBundle.read(model);
    int timesteps = bundle.layout().timesteps();
    int features = bundle.layout().features();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(50));
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    // Savepoints to files: the default JobManager storage refuses state over 5 MB.
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

    long fill = (long) sensors * timesteps;
    FILL_END.set(RoundRobinReadings.T0 + (timesteps - 1) * 60_000L);
    // Readings of every sensor in turn, a minute apart; then a slow trickle of one sensor's
    // readings keeps the job (and its state) alive until it is cancelled.
    GeneratorFunction<Long, RawReading> readings = new RoundRobinReadings(sensors, features, fill);
    var source =
        new DataGeneratorSource<>(
            readings,
            Long.MAX_VALUE,
            RateLimiterStrategy.noOp(),
            TypeInformation.of(RawReading.class));

    Configuration jobConf = PipelineBenchmark.generatedInput(model);
    // One window per sensor: the state of a sensor in steady state, at the cost of one scoring.
    jobConf.set(JobOptions.WINDOW_SLIDE, timesteps);
    jobConf.set(JobOptions.STATE_TTL, Duration.ofDays(1));
    var outputs =
        new AnomalyDetectionJob(JobConfig.from(jobConf), bundle.layout())
            .build(
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "memory-source")
                    .setParallelism(1));
    outputs.results().sinkTo(new CountingSink()).name("count-windows");
    outputs
        .deadLetters()
        .sinkTo(new PipelineBenchmark.DiscardSink<>())
        .name("discard-dead-letters");

    JobClient job = env.executeAsync("bench-memory");
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
      while (WINDOWS.get() < sensors) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              WINDOWS.get() + " of " + sensors + " windows after 30 minutes");
        }
        Thread.sleep(200);
      }
      long heap = heapAfterGc();
      Path savepoints = Files.createDirectories(work.resolve("savepoint-" + sensors));
      String location =
          job.triggerSavepoint(savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
              .get(10, TimeUnit.MINUTES);
      return new Point(sensors, heap, sizeOf(Path.of(java.net.URI.create(location))));
    } finally {
      job.cancel().get(1, TimeUnit.MINUTES);
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** Deletes a work directory of savepoints. */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Reading i belongs to sensor {@code i % sensors} at minute {@code i / sensors}; past {@code
   * fill} readings, one reading of sensor 0 every 20 ms.
   */
  static final class RoundRobinReadings implements GeneratorFunction<Long, RawReading> {
    private static final long T0 = 1_767_225_600_000L;
    private final int sensors;
    private final int features;
    private final long fill;

    RoundRobinReadings(int sensors, int features, long fill) {
      this.sensors = sensors;
      this.features = features;
      this.fill = fill;
    }

    @Override
    public RawReading map(Long index) throws InterruptedException {
      int sensor = (int) (index % sensors);
      long minute = index / sensors;
      if (index >= fill) {
        Thread.sleep(20);
        sensor = 0;
        minute = index - fill + fill / sensors;
      }
      StringBuilder sb =
          new StringBuilder(160)
              .append("{\"sensorId\":\"sensor-")
              .append(sensor)
              .append("\",\"ts\":")
              .append(T0 + minute * 60_000L)
              .append(",\"values\":[");
      for (int f = 0; f < features; f++) {
        sb.append(f == 0 ? "" : ",")
            .append(Math.round(Math.sin(minute * 0.1 + f + sensor) * 1000) / 1000.0);
      }
      sb.append("]}");
      return new RawReading(sb.toString().getBytes(StandardCharsets.UTF_8), "bench", 0L);
    }
  }

  static final class CountingSink implements Sink<AnomalyRecord> {
    @Override
    public SinkWriter<AnomalyRecord> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(AnomalyRecord r, Context ctx) {
          if (r.windowEnd() <= FILL_END.get()) {
            WINDOWS.incrementAndGet();
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
