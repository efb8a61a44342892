package io.streamae.model.definition;

/** The network family of an autoencoder. */
public enum ModelKind {
  /** LSTM encoder, repeat vector, LSTM decoders with a time-distributed dense output. */
  LSTM,
  /** Fully connected autoencoder over the flattened window (reconstruction only). */
  DENSE;

  public static ModelKind parse(String value) {
    return Enums.parse(ModelKind.class, "kind", value);
  }
}
