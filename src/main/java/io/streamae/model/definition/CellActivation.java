package io.streamae.model.definition;

/** Activation of the LSTM cell input and output (gates always use the sigmoid). */
public enum CellActivation {
  RELU,
  TANH;

  public static CellActivation parse(String value) {
    return Enums.parse(CellActivation.class, "activation", value);
  }

  /** Applies the activation to one value. */
  public float apply(float x) {
    return this == RELU ? Math.max(0f, x) : (float) Math.tanh(x);
  }
}
