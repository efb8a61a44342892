/**
 * StreamAE: anomaly detection for sensor streams with a composite LSTM autoencoder inside an Apache
 * Flink job. See the README for the dataflow; packages: ingest, window, tensor, model, scoring,
 * sink, source, kafka, job, evaluation, bench, cli.
 */
package io.streamae;
