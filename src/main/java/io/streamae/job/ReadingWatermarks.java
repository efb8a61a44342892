package io.streamae.job;

import io.streamae.ingest.EventTimeExtractor;
import io.streamae.ingest.RawReading;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time and watermarks of the raw readings a source emits, from the validated {@code window.*}
 * and {@code kafka.event-time} options; {@code ScoringJobMain} passes {@link #of} to {@code
 * env.fromSource} for the Kafka source.
 */
public final class ReadingWatermarks {
  private ReadingWatermarks() {}

  /** Watermark alignment group of the input source (Flink aligns sources of one group). */
  public static final String ALIGNMENT_GROUP = "sensor-readings";

  /**
   * The watermark strategy for {@code env.fromSource}: event time per record, watermarks per input
   * partition inside the source, so one partition's silence or head start moves no other
   * partition's watermark. Event time is the payload's {@code ts}, read from the raw bytes by
   * {@link EventTimeExtractor} (a payload without a usable one moves no watermark and still reaches
   * the dead-letter path), or with {@code kafka.event-time} record the Kafka record timestamp. Each
   * partition's watermark trails its newest reading by {@code window.max-out-of-orderness}; a
   * partition without records for {@code window.idle-timeout} stops holding the others back; with
   * {@code window.watermark-alignment} set, a partition whose watermark runs further ahead of the
   * slowest one is paused until that one catches up.
   */
  public static WatermarkStrategy<RawReading> of(JobConfig config) {
    SerializableTimestampAssigner<RawReading> assigner;
    if (config.kafka().recordTime()) {
      assigner = (raw, recordTimestamp) -> raw.ingestTimestamp();
    } else {
      EventTimeExtractor extractor = new EventTimeExtractor(config.maxFutureSkew());
      assigner = (raw, recordTimestamp) -> extractor.extract(raw.payload());
    }
    WatermarkStrategy<RawReading> strategy =
        WatermarkStrategy.<RawReading>forBoundedOutOfOrderness(config.maxOutOfOrderness())
            .withTimestampAssigner(assigner)
            .withIdleness(config.idleTimeout());
    if (config.watermarkAlignment() != null) {
      strategy =
          strategy.withWatermarkAlignment(
              ALIGNMENT_GROUP, config.watermarkAlignment(), ALIGNMENT_UPDATE_INTERVAL);
    }
    return strategy;
  }

  /** How often aligned sources report and receive the slowest watermark (Flink's default). */
  static final java.time.Duration ALIGNMENT_UPDATE_INTERVAL = java.time.Duration.ofSeconds(1);
}
