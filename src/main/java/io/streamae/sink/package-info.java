/**
 * What the job emits: AnomalyRecord results, the JSON schemas of results and dead letters
 * (io.streamae.ingest.DeadLetter), and a JSON-lines file sink for local runs.
 */
package io.streamae.sink;
