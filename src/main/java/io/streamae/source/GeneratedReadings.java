package io.streamae.source;

import io.streamae.ingest.RawReading;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/** A bounded Flink source of {@link SyntheticSensors} payloads, as raw bytes like Kafka's. */
public final class GeneratedReadings {
  private GeneratedReadings() {}

  public static DataGeneratorSource<RawReading> source(SyntheticSensors sensors, int poisonEvery) {
    return source(sensors, poisonEvery, 0);
  }

  /**
   * @param readingsPerSecond at most this many payloads a second (so a watcher sees faults begin as
   *     they happen); 0 = as fast as the job takes them
   */
  public static DataGeneratorSource<RawReading> source(
      SyntheticSensors sensors, int poisonEvery, double readingsPerSecond) {
    GeneratorFunction<Long, RawReading> generator =
        index -> new RawReading(sensors.payload(index, poisonEvery), "generator:" + index, 0L);
    return new DataGeneratorSource<>(
        generator,
        sensors.total(),
        readingsPerSecond > 0
            ? RateLimiterStrategy.perSecond(readingsPerSecond)
            : RateLimiterStrategy.noOp(),
        TypeInformation.of(RawReading.class));
  }
}
