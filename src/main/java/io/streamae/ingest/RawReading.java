package io.streamae.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * One sensor message exactly as it arrived, before any parsing.
 *
 * <p>Place in the pipeline: the first stream element. The Kafka deserializer (or a file source)
 * wraps every record in a {@code RawReading} without looking inside, so it never fails; {@link
 * ParseReadingsFunction} then turns it into a {@link SensorReading} or a dead letter.
 *
 * @param payload the message bytes, expected to be UTF-8 JSON; {@code null} for a Kafka tombstone.
 *     Not copied: treat the array as read-only.
 * @param source where the bytes came from, for tracing a dead letter back to its origin, e.g.
 *     {@code "kafka:readings/3@1042"} (topic/partition@offset) or {@code "file:day1.jsonl:17"}
 * @param ingestTimestamp when the message entered the job (or the Kafka record timestamp), epoch ms
 */
public record RawReading(byte[] payload, String source, long ingestTimestamp) {

  @Override
  public boolean equals(Object other) {
    return other instanceof RawReading that
        && ingestTimestamp == that.ingestTimestamp
        && Arrays.equals(payload, that.payload)
        && Objects.equals(source, that.source);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(source, ingestTimestamp) + Arrays.hashCode(payload);
  }

  /** Shows the payload size only: payloads do not belong in logs. */
  @Override
  public String toString() {
    return String.format(
        "RawReading[source=%s, ingestTimestamp=%d, payload=%s]",
        source, ingestTimestamp, payload == null ? "null" : payload.length + " bytes");
  }
}
