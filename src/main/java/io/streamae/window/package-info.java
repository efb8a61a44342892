/**
 * Keyed sliding windows: readings of one sensor, in event-time order, become windows of T readings every S readings, with late readings, duplicates and gaps handled and counted. WindowAssembler is the pure logic, AssembleWindowFunction runs it on Flink keyed state.
 */
package io.streamae.window;
