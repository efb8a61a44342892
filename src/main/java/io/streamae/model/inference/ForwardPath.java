package io.streamae.model.inference;

/** Which implementation of the forward pass a {@link BatchInference} runs. */
public enum ForwardPath {
  /** Chosen per call from the batch size and model kind; see {@link BatchInference}. */
  AUTO,
  /** {@link ReferenceForward}: per window, scalar, double-precision transcendentals. */
  REFERENCE,
  /** {@link SequentialForward}: per window, vectorised along the gate columns. */
  SEQUENTIAL,
  /** {@link LanewiseForward}: whole batch, one window per SIMD lane. */
  LANEWISE,
  /**
   * {@link VectorForward}: whole batch on the Vector API, register-blocked; needs the module {@code
   * jdk.incubator.vector} at run time (see {@link BatchInference#vectorKernelAvailable()}).
   */
  VECTOR,
  /**
   * {@code model.training.Nd4jForward}: whole batch as ND4J GEMMs and transforms; for comparison
   * only, built by {@code Nd4jForward.batchInference} because scoring code never links ND4J.
   */
  ND4J
}
