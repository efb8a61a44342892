package io.streamae.model.training;

import io.streamae.model.inference.ParameterSet;

/**
 * A network the trainer can step: one per model kind, each on an ND4J training engine.
 *
 * <p>Arrays are row-major: inputs {@code [b, timesteps, features]}, reconstruction targets the same
 * shape, futures {@code [b, horizon, features]}.
 */
interface TrainableNetwork {
  /** One optimiser step; returns the batch loss before the update. */
  double fit(float[] inputs, float[] reconstructionTargets, float[] futures, int batch);

  /** Loss without updating (inputs are their own reconstruction targets). */
  double loss(float[] inputs, float[] futures, int batch);

  ParameterSet parameters();

  void restore(ParameterSet parameters);
}
