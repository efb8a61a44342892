/**
 * The autoencoder itself, as plain Java on ND4J: definition, training, inference and bundles.
 * Nothing here imports Flink, so the maths and the file format are tested without a cluster.
 */
package io.streamae.model;
