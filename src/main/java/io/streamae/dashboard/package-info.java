/**
 * The live monitoring dashboard: follows the job's results and dead letters (a JSON-lines file
 * being written, or the Kafka topics), keeps a bounded picture of the fleet in memory ({@link
 * io.streamae.dashboard.FleetState}) and serves it as a web page updated by Server-Sent Events
 * ({@link io.streamae.dashboard.DashboardServer}). It reads the job's outputs only, so it runs
 * beside any deployment, and never imports Flink.
 */
package io.streamae.dashboard;
