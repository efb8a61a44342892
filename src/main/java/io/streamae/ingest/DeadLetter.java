package io.streamae.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record the pipeline could not process, kept with enough context to inspect or replay it.
 *
 * <p>Place in the pipeline: any stage that rejects a record sends a {@code DeadLetter} to its
 * dead-letter side output (for parsing, {@code ParseReadingsFunction.DEAD_LETTERS}); the job writes
 * them all to the dead-letter topic. Nothing is dropped silently.
 *
 * @param payload the original bytes, unchanged (may be {@code null} for a Kafka tombstone). Not
 *     copied: treat the array as read-only.
 * @param source origin coordinates copied from {@link RawReading#source()}, e.g. {@code
 *     "kafka:readings/3@1042"}
 * @param stage the stage that rejected the record, e.g. {@code "parse"}
 * @param reason the {@link RejectReason#name()} code, e.g. {@code "MALFORMED_JSON"}
 * @param detail a human-readable explanation; describes the problem, never repeats the payload
 * @param timestamp when the record was rejected, epoch milliseconds (processing time)
 */
public record DeadLetter(
    byte[] payload, String source, String stage, String reason, String detail, long timestamp) {

  /** A dead letter for a raw reading rejected by {@code stage} at processing time {@code now}. */
  public static DeadLetter of(
      RawReading raw, String stage, RejectReason reason, String detail, long now) {
    return new DeadLetter(raw.payload(), raw.source(), stage, reason.name(), detail, now);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DeadLetter that
        && timestamp == that.timestamp
        && Arrays.equals(payload, that.payload)
        && Objects.equals(source, that.source)
        && Objects.equals(stage, that.stage)
        && Objects.equals(reason, that.reason)
        && Objects.equals(detail, that.detail);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(source, stage, reason, detail, timestamp) + Arrays.hashCode(payload);
  }

  /** Shows the payload size only: payloads do not belong in logs. */
  @Override
  public String toString() {
    return String.format(
        "DeadLetter[source=%s, stage=%s, reason=%s, detail=%s, timestamp=%d, payload=%s]",
        source,
        stage,
        reason,
        detail,
        timestamp,
        payload == null ? "null" : payload.length + " bytes");
  }
}
