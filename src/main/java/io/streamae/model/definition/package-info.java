/**
 * What a model is: the architecture spec (kind, timesteps, features, horizon, layers, activation,
 * mode) and the DL4J graph built from it for training, with the stable layer names bundles store
 * parameters under.
 */
package io.streamae.model.definition;
