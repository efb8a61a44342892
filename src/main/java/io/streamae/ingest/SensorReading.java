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
 */
public record SensorReading(String sensorId, long timestamp, float[] values) {

  public SensorReading {
    Objects.requireNonNull(sensorId, "sensorId");
    Objects.requireNonNull(values, "values");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SensorReading that
        && timestamp == that.timestamp
        && sensorId.equals(that.sensorId)
        && Arrays.equals(values, that.values);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(sensorId, timestamp) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return String.format(
        "SensorReading[sensorId=%s, timestamp=%d, values=%s]",
        sensorId, timestamp, Arrays.toString(values));
  }
}
