/**
 * Keyed sliding windows: readings of one sensor, in event-time order, become windows of T readings
 * every S readings, with late readings (judged by the sensor's own progress, see Lateness),
 * repeated and conflicting duplicates, gaps and a processing-time staleness bound handled and
 * counted. WindowAssembler is the pure logic, AssembleWindowFunction runs it on Flink keyed state.
 */
package io.streamae.window;
