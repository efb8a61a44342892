package io.streamae.bench;

import io.streamae.model.training.AutoencoderGraphFactory;
import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.BatchInference;
import io.streamae.model.inference.ForwardPath;
import io.streamae.model.training.AutoencoderTrainer;
import io.streamae.model.training.Nd4jForward;
import io.streamae.model.training.Dl4jParameters;
import io.streamae.model.training.EpochStats;
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
 * Throughput of the model: forward passes (windows/s per batch size and thread count) and
 * training (windows/s). Each thread owns its {@link BatchInference}, as each Flink subtask does.
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
      ForwardPath path,
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
              path.name().toLowerCase(Locale.ROOT),
              cpuWindowsPerSecond,
              load,
              kernel);
    }
  }

  /** A network with the initial (seeded, untrained) weights of the spec. */
  public static AutoencoderNetwork randomNetwork(AutoencoderSpec spec, long seed) {
    var graph =
        AutoencoderGraphFactory.create(spec, seed, AutoencoderGraphFactory.Optimizer.kerasAdam(), new double[] {1, 1});
    return AutoencoderNetwork.of(spec, Dl4jParameters.extract(graph, spec));
  }

  /** Forward-pass throughput with {@code threads} threads each scoring batches of {@code batch}. */
  public static Point inference(Config config, int batch, int threads, double seconds) throws InterruptedException {
    return inference(config, batch, threads, seconds, ForwardPath.AUTO);
  }

  /** As {@link #inference(Config, int, int, double)}, pinned to one forward path. */
  public static Point inference(Config config, int batch, int threads, double seconds, ForwardPath path)
      throws InterruptedException {
    return inference(randomNetwork(config.spec(), 7), config.name(), batch, threads, seconds, path);
  }

  /** Forward-pass throughput of a given network. */
  public static Point inference(
      AutoencoderNetwork network, String name, int batch, int threads, double seconds, ForwardPath path)
      throws InterruptedException {
    AutoencoderSpec spec = network.spec();
    int size = spec.timesteps() * spec.features();
    Random random = new Random(1);
    float[] windows = new float[batch * size];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) random.nextGaussian();
    }
    // Warm-up so the JIT has compiled the kernel before the clock starts.
    run(network, windows, batch, threads, Math.min(1.0, seconds / 2), path);
    Run measured = run(network, windows, batch, threads, seconds, path);
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
      AutoencoderNetwork network, float[] windows, int batch, int threads, double seconds, ForwardPath path)
      throws InterruptedException {
    AtomicLong total = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    AtomicReference<String> kernel = new AtomicReference<>();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(threads);
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  BatchInference inference =
                      path == ForwardPath.ND4J
                          ? Nd4jForward.batchInference(network, batch)
                          : new BatchInference(network, batch, path);
                  kernel.set(inference.kernelFor(batch));
                  long cpuStart = bean.getCurrentThreadCpuTime();
                  long n = 0;
                  while (System.nanoTime() < deadline) {
                    inference.run(windows, batch);
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
    double cpu = cpuNanos.get() / 1e9 / threads;
    return new Run(total.get(), wall, cpu, kernel.get());
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
        TrainingData.slidingWindows(series, rows, config.features(), config.timesteps(), config.horizon());
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
