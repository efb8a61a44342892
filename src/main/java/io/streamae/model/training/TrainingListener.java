package io.streamae.model.training;

/** Receives progress once per epoch. */
@FunctionalInterface
public interface TrainingListener {
  void onEpoch(EpochStats stats);

  TrainingListener NONE = stats -> {};
}
