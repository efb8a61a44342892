package io.streamae.model.definition;

import java.util.List;

/**
 * Architecture of an autoencoder: everything needed to rebuild the network from its parameters.
 *
 * <p>Windows are {@code [timesteps, features]}; the prediction head forecasts the {@code horizon}
 * steps that follow a window. {@code layers} lists the hidden sizes of the encoder from the input
 * inwards ({@code [100]}, or stacked {@code [128, 64]}); decoders mirror them. For {@link
 * ModelKind#DENSE} the window is flattened, {@code mode} must be reconstruction and {@code
 * tiedWeights} shares each decoder matrix with the transpose of its encoder twin.
 */
public record AutoencoderSpec(
    ModelKind kind,
    int timesteps,
    int features,
    int horizon,
    List<Integer> layers,
    CellActivation activation,
    ModelMode mode,
    boolean tiedWeights) {

  public AutoencoderSpec {
    require(kind != null, "kind must be set");
    require(timesteps >= 1, "timesteps must be >= 1, was %s", timesteps);
    require(features >= 1, "features must be >= 1, was %s", features);
    require(layers != null && !layers.isEmpty(), "layers must name at least one hidden size");
    layers = List.copyOf(layers);
    for (int size : layers) {
      require(size >= 1, "every layer size must be >= 1, was %s", layers);
    }
    require(activation != null, "activation must be set");
    require(mode != null, "mode must be set");
    if (mode.predicts()) {
      require(horizon >= 1, "horizon must be >= 1 for mode %s, was %s", mode, horizon);
    } else {
      require(horizon >= 0, "horizon must be >= 0, was %s", horizon);
    }
    if (kind == ModelKind.DENSE) {
      require(
          mode == ModelMode.RECONSTRUCTION,
          "a dense autoencoder only reconstructs; mode was %s",
          mode);
    } else {
      require(!tiedWeights, "tied weights are an option of the dense autoencoder only");
    }
  }

  /** An LSTM autoencoder with one or more layers. */
  public static AutoencoderSpec lstm(
      int timesteps,
      int features,
      int horizon,
      List<Integer> layers,
      CellActivation activation,
      ModelMode mode) {
    return new AutoencoderSpec(
        ModelKind.LSTM, timesteps, features, horizon, layers, activation, mode, false);
  }

  /** A dense autoencoder over the flattened window. */
  public static AutoencoderSpec dense(
      int timesteps, int features, List<Integer> layers, CellActivation activation, boolean tied) {
    return new AutoencoderSpec(
        ModelKind.DENSE,
        timesteps,
        features,
        0,
        layers,
        activation,
        ModelMode.RECONSTRUCTION,
        tied);
  }

  /** Steps the prediction head emits (0 when the model does not predict). */
  public int predictedSteps() {
    return mode.predicts() ? horizon : 0;
  }

  private static void require(boolean condition, String template, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }
}
