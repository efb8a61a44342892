package io.streamae.bench;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.BatchInference;
import io.streamae.model.inference.ForwardPath;
import io.streamae.model.training.AutoencoderGraphFactory;
import io.streamae.model.training.AutoencoderTrainer;
import io.streamae.model.training.Dl4jParameters;
import io.streamae.model.training.EpochStats;
import io.streamae.model.training.Nd4jForward;
import io.streamae.model.training.TrainingData;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Throughput of the model: forward passes (windows/s per batch size and thread count) and training
 * (windows/s). Each thread owns its {@link BatchInference}, as each Flink subtask does.
 *
 * <p>Besides wall-clock windows/s each inference point reports windows per CPU-second of the
 * scoring threads ({@code cpu_windows_per_s}) and the 1-minute load average ({@code load}): on a
 * machine shared with other work the wall figure measures the neighbours as much as the code, the
 * CPU figure much less so. The kernel that ran ({@code kernel}, see {@link
 * BatchInference#kernelFor}) tells what {@link ForwardPath#AUTO} chose; the vector kernel needs
 * {@code java --add-modules jdk.incubator.vector} ({@link BatchInference#vectorKernelAvailable()}).
 */
public final class ModelBenchmark {
  private ModelBenchmark() {}

  /** A benchmark configuration of the composite model. */
  public record Config(String name, int timesteps, int features, int hidden, int horizon) {
    public AutoencoderSpec spec() {
      return AutoencoderSpec.lstm(
          timesteps, features, horizon, List.of(hidden), CellActivation.TANH, ModelMode.COMPOSITE);
    }
  }

  public static final Config A = new Config("A", 9, 1, 100, 8);
  public static final Config B = new Config("B", 32, 8, 64, 1);

  /**
   * One measured point; {@code path}, {@code cpuWindowsPerSecond}, {@code load} and {@code kernel}
   * are set for inference points only (null, NaN, NaN, null for training).
   */
  public record Point(
      String kind,
      String config,
      int batch,
      int threads,
      double windowsPerSecond,
      String path,
      double cpuWindowsPerSecond,
      double load,
      String kernel) {
    public Point(String kind, String config, int batch, int threads, double windowsPerSecond) {
      this(kind, config, batch, threads, windowsPerSecond, null, Double.NaN, Double.NaN, null);
    }

    public String line() {
      String line =
          String.format(
              Locale.ROOT,
              "bench %sconfig=%s batch=%d threads=%d windows_per_s=%.0f",
              kind.isEmpty() ? "" : kind + " ",
              config,
              batch,
              threads,
              windowsPerSecond);
      if (path == null) {
        return line;
      }
      return line
          + String.format(
              Locale.ROOT,
              " path=%s cpu_windows_per_s=%.0f load=%.2f kernel=%s",
              path,
              cpuWindowsPerSecond,
              load,
              kernel);
    }
  }

  /** A network with the initial (seeded, untrained) weights of the spec. */
  public static AutoencoderNetwork randomNetwork(AutoencoderSpec spec, long seed) {
    var graph =
        AutoencoderGraphFactory.create(
            spec, seed, AutoencoderGraphFactory.Optimizer.kerasAdam(), new double[] {1, 1});
    return AutoencoderNetwork.of(spec, Dl4jParameters.extract(graph, spec));
  }

  /** Forward-pass throughput with {@code threads} threads each scoring batches of {@code batch}. */
  public static Point inference(Config config, int batch, int threads, double seconds)
      throws InterruptedException {
    return inference(config, batch, threads, seconds, ForwardPath.AUTO);
  }

  /** As {@link #inference(Config, int, int, double)}, pinned to one forward path. */
  public static Point inference(
      Config config, int batch, int threads, double seconds, ForwardPath path)
      throws InterruptedException {
    return inference(randomNetwork(config.spec(), 7), config.name(), batch, threads, seconds, path);
  }

  /** Forward-pass throughput of a given network. */
  public static Point inference(
      AutoencoderNetwork network,
      String name,
      int batch,
      int threads,
      double seconds,
      ForwardPath path)
      throws InterruptedException {
    return measure(
        network,
        name,
        batch,
        threads,
        threads,
        seconds,
        path.name().toLowerCase(Locale.ROOT),
        () -> {
          BatchInference inference =
              path == ForwardPath.ND4J
                  ? Nd4jForward.batchInference(network, batch)
                  : new BatchInference(network, batch, path);
          return new Forward(inference::run, inference.kernelFor(batch));
        });
  }

  /**
   * Forward-pass throughput of the same network on ONNX Runtime ({@link OnnxPath}): one caller
   * thread runs one session with {@code threads} intra-op threads (inter-op 1), which is how ONNX
   * Runtime uses {@code threads} cores. Same windows, warm-up and timing loop as {@link
   * #inference}; as the operator threads are native, the CPU figure is the process's CPU time.
   */
  public static Point onnx(
      AutoencoderNetwork network, String name, int batch, int threads, double seconds)
      throws InterruptedException {
    OnnxPath onnx = new OnnxPath(network, batch, threads);
    try {
      String kernel = "onnxruntime-" + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
      return measure(
          network, name, batch, threads, 1, seconds, "onnx", () -> new Forward(onnx::run, kernel));
    } finally {
      onnx.close();
    }
  }

  /**
   * ONNX Runtime scored the way the job scores: {@code threads} caller threads, each with its own
   * session of one intra-op thread, as each Flink subtask would own one.
   */
  public static Point onnxPerThread(
      AutoencoderNetwork network, String name, int batch, int threads, double seconds)
      throws InterruptedException {
    List<OnnxPath> sessions = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      String kernel = "onnxruntime-" + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
      return measure(
          network,
          name,
          batch,
          threads,
          threads,
          seconds,
          "onnx_sessions",
          () -> {
            OnnxPath onnx = new OnnxPath(network, batch, 1);
            sessions.add(onnx);
            return new Forward(onnx::run, kernel);
          });
    } finally {
      sessions.forEach(OnnxPath::close);
    }
  }

  /** What one bench thread runs: a batch forward, its kernel's name and how to release it. */
  private record Forward(Batch batch, String kernel) {}

  @FunctionalInterface
  private interface Batch {
    void run(float[] windows, int n);
  }

  private static Point measure(
      AutoencoderNetwork network,
      String name,
      int batch,
      int threads,
      int callers,
      double seconds,
      String path,
      java.util.function.Supplier<Forward> factory)
      throws InterruptedException {
    AutoencoderSpec spec = network.spec();
    int size = spec.timesteps() * spec.features();
    Random random = new Random(1);
    float[] windows = new float[batch * size];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) random.nextGaussian();
    }
    // Warm-up so the JIT has compiled the kernel before the clock starts.
    run(windows, batch, threads, callers, Math.min(1.0, seconds / 2), factory);
    Run measured = run(windows, batch, threads, callers, seconds, factory);
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return new Point(
        "",
        name,
        batch,
        threads,
        measured.windows() / measured.wallSeconds(),
        path,
        measured.windows() / measured.cpuSeconds(),
        load,
        measured.kernel());
  }

  private record Run(long windows, double wallSeconds, double cpuSeconds, String kernel) {}

  private static Run run(
      float[] windows,
      int batch,
      int threads,
      int callers,
      double seconds,
      java.util.function.Supplier<Forward> factory)
      throws InterruptedException {
    // With fewer callers than threads the work runs on native threads too: count the process.
    boolean processCpu = callers != threads;
    long processStart = processCpuNanos();
    AtomicLong total = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    AtomicReference<String> kernel = new AtomicReference<>();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(callers);
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    for (int t = 0; t < callers; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  Forward forward = factory.get();
                  kernel.set(forward.kernel());
                  long cpuStart = bean.getCurrentThreadCpuTime();
                  long n = 0;
                  while (System.nanoTime() < deadline) {
                    forward.batch().run(windows, batch);
                    n += batch;
                  }
                  cpuNanos.addAndGet(bean.getCurrentThreadCpuTime() - cpuStart);
                  total.addAndGet(n);
                } catch (RuntimeException e) {
                  failure.compareAndSet(null, e);
                } finally {
                  done.countDown();
                }
              },
              "bench-" + t);
      worker.start();
    }
    done.await();
    if (failure.get() != null) {
      throw failure.get();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    // Windows per CPU-second of one thread: with T threads the CPU time is T times larger, so
    // scale back up to compare with the wall-clock figure for the same thread count.
    long nanos = processCpu ? processCpuNanos() - processStart : cpuNanos.get();
    double cpu = nanos / 1e9 / threads;
    return new Run(total.get(), wall, cpu, kernel.get());
  }

  /**
   * {@code bench ratio ... vector/onnx=1.23}: windows/s of each other path over ONNX Runtime's (the
   * {@code onnx} point, else {@code onnx_sessions}), for points of one config, batch and thread
   * count; empty without an ONNX point.
   */
  public static java.util.Optional<String> ratio(List<Point> points) {
    Point onnx = points.stream().filter(p -> "onnx".equals(p.path())).findFirst().orElse(null);
    if (onnx == null) {
      onnx = points.stream().filter(p -> "onnx_sessions".equals(p.path())).findFirst().orElse(null);
    }
    if (onnx == null || points.size() < 2) {
      return java.util.Optional.empty();
    }
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "bench ratio config=%s batch=%d threads=%d",
                onnx.config(),
                onnx.batch(),
                onnx.threads()));
    for (Point p : points) {
      if (p != onnx) {
        String name = p.path().equals("auto") ? p.kernel() : p.path();
        name = name + "/" + onnx.path();
        line.append(
            String.format(
                Locale.ROOT, " %s=%.2f", name, p.windowsPerSecond() / onnx.windowsPerSecond()));
      }
    }
    return java.util.Optional.of(line.toString());
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /** Training throughput: a few epochs on random windows, speed of the last epoch. */
  public static Point training(Config config, int batch, int windows, int epochs) {
    AutoencoderSpec spec = config.spec();
    Random random = new Random(3);
    int rows = windows + config.timesteps() + config.horizon() - 1;
    float[] series = new float[rows * config.features()];
    for (int i = 0; i < series.length; i++) {
      series[i] = (float) Math.sin(i * 0.05) + (float) random.nextGaussian() * 0.1f;
    }
    TrainingData data =
        TrainingData.slidingWindows(
            series, rows, config.features(), config.timesteps(), config.horizon());
    List<EpochStats> stats = new ArrayList<>();
    TrainingOptions options =
        TrainingOptions.builder()
            .epochs(epochs)
            .batchSize(batch)
            .validationFraction(0)
            .listener(stats::add)
            .build();
    long start = System.nanoTime();
    TrainingResult result = AutoencoderTrainer.train(spec, data, options);
    double seconds = (System.nanoTime() - start) / 1e9;
    double perSecond = (double) result.trainingWindows() * epochs / seconds;
    return new Point("train", config.name(), batch, 1, perSecond);
  }
}
