/**
 * The model at scoring time: validated weights ({@link
 * io.streamae.model.inference.AutoencoderNetwork}, {@link
 * io.streamae.model.inference.ParameterSet}) and the allocation-free forward pass over batches of
 * windows ({@link io.streamae.model.inference.BatchInference}), in plain Java so the maths tests
 * without Flink: a per-window reference pass and three vectorised kernels (two on C2's
 * auto-vectoriser, one on the incubating Vector API) that tests keep equal to it to 1e-5.
 */
package io.streamae.model.inference;
