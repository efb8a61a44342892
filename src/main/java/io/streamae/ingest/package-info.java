/**
 * Ingest: the first stage of the anomaly-detection job. Raw sensor messages arrive as {@link
 * io.streamae.ingest.RawReading} (bytes plus origin, produced by a source that never fails); {@link
 * io.streamae.ingest.ParseReadingsFunction} uses the pure-Java {@link
 * io.streamae.ingest.ReadingParser} to validate each one strictly and emits either a typed {@link
 * io.streamae.ingest.SensorReading} (features in the model's order, ready for watermarks and
 * windowing) or a {@link io.streamae.ingest.DeadLetter} on its side output, tagged with a {@link
 * io.streamae.ingest.RejectReason} and counted under the {@code anomaly.ingest} metric group.
 * Nothing here throws for bad data, and nothing is dropped silently.
 */
package io.streamae.ingest;
