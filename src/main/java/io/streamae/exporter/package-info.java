/**
 * The results exporter beside the job: follows the result and dead-letter topics and serves
 * per-sensor scores and dead letters by reason to Prometheus. Runs from the runnable jar, never in
 * the cluster job jar.
 */
package io.streamae.exporter;
