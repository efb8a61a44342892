package io.streamae.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * One validated measurement of one sensor: the typed output of the ingest stage.
 *
 * <p>Place in the pipeline: emitted by {@link ParseReadingsFunction}, keyed by {@code sensorId} and
 * assigned event-time watermarks from {@code timestamp} before windowing.
 *
 * @param sensorId non-blank id of the sensor, e.g. {@code "pump-7"}
 * @param timestamp event time of the measurement, epoch milliseconds (UTC)
 * @param values one finite value per feature, in the model's feature order (the order of {@code
 *     ReadingParser}'s feature names). Not copied: treat the array as read-only.
 * @param source where the reading came from, copied from {@link RawReading#source()} (e.g. {@code
 *     "kafka:sensor-readings/3@1042"}), so a dead letter made of it later still points at its
 *     record; {@code null} when unknown
 */
public record SensorReading(String sensorId, long timestamp, float[] values, String source) {

  public SensorReading {
    Objects.requireNonNull(sensorId, "sensorId");
    Objects.requireNonNull(values, "values");
  }

  /** A reading of unknown origin. */
  public SensorReading(String sensorId, long timestamp, float[] values) {
    this(sensorId, timestamp, values, null);
  }

  /** The same reading with its origin. */
  public SensorReading withSource(String origin) {
    return new SensorReading(sensorId, timestamp, values, origin);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SensorReading that
        && timestamp == that.timestamp
        && sensorId.equals(that.sensorId)
        && Arrays.equals(values, that.values)
        && Objects.equals(source, that.source);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(sensorId, timestamp) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return String.format(
        "SensorReading[sensorId=%s, timestamp=%d, values=%s, source=%s]",
        sensorId, timestamp, Arrays.toString(values), source);
  }
}
