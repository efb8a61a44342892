package io.streamae.model.training;

/** Receives progress once per epoch and, optionally, after every mini-batch. */
@FunctionalInterface
public interface TrainingListener {
  void onEpoch(EpochStats stats);

  /**
   * After each mini-batch of an epoch.
   *
   * @param windowsDone training windows of this epoch seen so far, of {@code windows}
   * @param runningLoss mean training loss of this epoch so far
   */
  default void onStep(int epoch, int epochs, long windowsDone, long windows, double runningLoss) {}

  TrainingListener NONE = stats -> {};
}
