package io.streamae.tensor;

import java.io.Serializable;
import java.util.List;

/**
 * Shape and feature order of the windows a model consumes: {@code [timesteps, features]} per
 * window, features in {@code featureNames} order. Windows built for one layout are never fed to a
 * model with another.
 */
public record TensorLayout(int timesteps, List<String> featureNames) implements Serializable {
  public TensorLayout {
    if (timesteps < 1) {
      throw new IllegalArgumentException("timesteps must be >= 1, was " + timesteps);
    }
    if (featureNames == null || featureNames.isEmpty()) {
      throw new IllegalArgumentException("a layout needs at least one feature");
    }
    featureNames = List.copyOf(featureNames);
    if (featureNames.stream().distinct().count() != featureNames.size()) {
      throw new IllegalArgumentException("feature names must be unique: " + featureNames);
    }
  }

  public int features() {
    return featureNames.size();
  }

  /** Values per window. */
  public int windowSize() {
    return timesteps * features();
  }
}
