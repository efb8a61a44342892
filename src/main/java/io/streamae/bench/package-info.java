/**
 * Benchmarks run as commands, not timed tests: model throughput per batch size and thread count,
 * training speed, and the whole job end to end.
 */
package io.streamae.bench;
