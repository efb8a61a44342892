/**
 * Windows as tensors: the layout a model consumes (timesteps, feature order), per-feature
 * normalisation from the bundle, and the reusable [samples, timesteps, features] batch buffer. No
 * Flink imports.
 */
package io.streamae.tensor;
