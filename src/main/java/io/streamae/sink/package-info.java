/**
 * What the job emits: AnomalyRecord results and DeadLetter records, their JSON schemas, and a JSON-lines file sink for local runs.
 */
package io.streamae.sink;
