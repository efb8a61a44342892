package io.streamae.bench;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.ComputeThreads;
import io.streamae.model.training.TrainingData;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingRunner;
import io.streamae.retrain.CpuBudget;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * Continual retraining as a load beside a benchmark: one thread fine-tunes a bundle again and again
 * on a sample of windows, paced by {@link CpuBudget} exactly as the retrainer paces it, until
 * stopped; so scoring throughput can be measured while a retrain runs.
 */
public final class RetrainLoad implements AutoCloseable {
  private final Thread thread;
  private volatile boolean stop;
  private volatile int retrains;
  private volatile double busySeconds;
  private volatile long windowsTrained;
  private volatile Throwable failure;
  private volatile CpuBudget running;
  private final long started = System.nanoTime();

  /**
   * @param sampleWindows windows per fine-tuning run (random normal values in normalised units)
   * @param epochs per fine-tuning run
   * @param cpuShare of one core
   */
  public RetrainLoad(ModelBundle bundle, int sampleWindows, int epochs, double cpuShare) {
    AutoencoderSpec spec = bundle.metadata().architecture();
    SplittableRandom random = new SplittableRandom(3);
    float[] windows = new float[sampleWindows * spec.timesteps() * spec.features()];
    float[] futures = new float[sampleWindows * spec.predictedSteps() * spec.features()];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < futures.length; i++) {
      futures[i] = (float) random.nextGaussian();
    }
    TrainingData data =
        new TrainingData(
            sampleWindows,
            spec.timesteps(),
            spec.features(),
            spec.predictedSteps(),
            windows,
            futures);
    thread =
        new Thread(
            () -> {
              ComputeThreads.limitToCallingThread();
              double busy = 0;
              try {
                while (!stop) {
                  CpuBudget budget = new CpuBudget(cpuShare, () -> stop);
                  running = budget;
                  TrainingRunner.fineTune(
                      new TrainingRunner.FineTuneRequest(
                          bundle,
                          data,
                          TrainingOptions.builder()
                              .epochs(epochs)
                              .batchSize(64)
                              .validationFraction(0.2)
                              .listener(budget)
                              .build(),
                          "load",
                          "retrain load",
                          Map.of()));
                  busy += budget.busySeconds();
                  retrains++;
                  windowsTrained += (long) epochs * (sampleWindows - sampleWindows / 5);
                  busySeconds = busy;
                  running = null;
                }
              } catch (CancellationException stopped) {
                // close()
              } catch (Throwable t) {
                failure = t;
              }
            },
            "retrain-load");
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Fine-tuning runs completed so far, the share of the time the training thread was not pausing
   * for its budget, and the training pace of completed runs.
   */
  public String line(double cpuShare) {
    CpuBudget current = running;
    double wall = (System.nanoTime() - started) / 1e9;
    double busy = busySeconds + (current == null ? 0 : current.busySeconds());
    return String.format(
        Locale.ROOT,
        "bench retrain-load cpu_share=%.2f seconds=%.1f busy_share=%.2f retrains_completed=%d"
            + " training_windows_per_s=%.0f",
        cpuShare,
        wall,
        busy / wall,
        retrains,
        busySeconds == 0 ? Double.NaN : windowsTrained / busySeconds);
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(120_000);
    if (failure != null) {
      throw new IllegalStateException("the retrain load failed: " + failure, failure);
    }
  }
}
