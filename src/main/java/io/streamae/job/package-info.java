/**
 * The scoring dataflow and how it is configured: AnomalyDetectionJob wires parse, windows, scoring,
 * calibration and routing; JobOptions holds every option, JobConfig validates them; ScoringJobMain
 * runs it on a cluster; io.streamae.local runs it inside one JVM.
 */
package io.streamae.job;
