package io.streamae.retrain;

import io.streamae.model.training.EpochStats;
import io.streamae.model.training.TrainingListener;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Keeps training to a share of one core: after each mini-batch the training thread sleeps in
 * proportion to the time the batch took ({@code busy × (1 / share − 1)}), so over any stretch of
 * batches it computes at most {@code share} of the time. Training runs in one thread (ND4J capped
 * to the calling thread), so the scoring job keeps the rest of the machine.
 *
 * <p>Also the way to stop a training run: when {@code stop} says so, the next mini-batch ends it
 * with a {@link CancellationException}.
 */
public final class CpuBudget implements TrainingListener {
  private final double share;
  private final BooleanSupplier stop;
  private long last = System.nanoTime();
  private long busyNanos;
  private long sleptNanos;

  /**
   * @param share of one core, in (0, 1]; 1 = no pause
   */
  public CpuBudget(double share, BooleanSupplier stop) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException(
          String.format("CPU share must be in (0, 1], was %s", share));
    }
    this.share = share;
    this.stop = stop;
  }

  @Override
  public void onEpoch(EpochStats stats) {}

  @Override
  public void onStep(int epoch, int epochs, long windowsDone, long windows, double runningLoss) {
    long now = System.nanoTime();
    long busy = now - last;
    busyNanos += busy;
    if (stop.getAsBoolean()) {
      throw new CancellationException("retraining stopped");
    }
    long pause = share >= 1 ? 0 : (long) (busy * (1 / share - 1));
    if (pause > 0) {
      try {
        Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("retraining interrupted");
      }
      sleptNanos += pause;
    }
    last = System.nanoTime();
  }

  /** Seconds spent computing mini-batches so far. */
  public double busySeconds() {
    return busyNanos / 1e9;
  }

  /** Seconds spent pausing for the budget so far. */
  public double pausedSeconds() {
    return sleptNanos / 1e9;
  }
}
