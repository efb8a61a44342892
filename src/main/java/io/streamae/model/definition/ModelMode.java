package io.streamae.model.definition;

/** Which decoder heads an autoencoder has. */
public enum ModelMode {
  /** One decoder that rebuilds the input window. */
  RECONSTRUCTION,
  /** One decoder that predicts the steps after the window. */
  PREDICTION,
  /** A shared encoder with both a reconstruction and a prediction decoder. */
  COMPOSITE;

  public boolean reconstructs() {
    return this != PREDICTION;
  }

  public boolean predicts() {
    return this != RECONSTRUCTION;
  }

  public static ModelMode parse(String value) {
    return Enums.parse(ModelMode.class, "mode", value);
  }
}
