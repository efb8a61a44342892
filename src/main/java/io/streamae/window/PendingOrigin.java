package io.streamae.window;

/**
 * Where a reading waiting for the watermark came from and when it arrived: kept beside its values
 * in keyed state, for the staleness bound and for naming both origins of a conflicting duplicate. A
 * POJO so Flink serialises it without Kryo.
 */
public class PendingOrigin {
  /** The reading's {@code source}, e.g. {@code kafka:sensor-readings/0@17}; may be null. */
  public String source;

  /** Processing time of its arrival, epoch ms. */
  public long arrivedAt;

  public PendingOrigin() {}

  public PendingOrigin(String source, long arrivedAt) {
    this.source = source;
    this.arrivedAt = arrivedAt;
  }
}
