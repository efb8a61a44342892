package io.streamae.kafka;

import io.streamae.ingest.RawReading;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Wraps every Kafka record in a {@link RawReading} without looking inside, so it never throws.
 *
 * <p>Place in the pipeline: inside the {@code kafka-source} operator, before {@code
 * parse-readings}. Input: a consumer record (the key is ignored). Output: one {@code RawReading}
 * per record with the value bytes as they are ({@code null} for a tombstone, which the parser
 * rejects as {@code EMPTY_PAYLOAD}), the origin {@code kafka:<topic>/<partition>@<offset>} and the
 * record timestamp as {@code ingestTimestamp} (epoch ms; -1 when the producer set none).
 */
public final class RawReadingDeserializer implements KafkaRecordDeserializationSchema<RawReading> {
  private static final long serialVersionUID = 1L;

  /** The origin coordinates of a record, e.g. {@code kafka:sensor-readings/3@1042}. */
  public static String source(String topic, int partition, long offset) {
    return String.format("kafka:%s/%d@%d", topic, partition, offset);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawReading> out) {
    out.collect(
        new RawReading(
            record.value(),
            source(record.topic(), record.partition(), record.offset()),
            record.timestamp()));
  }

  @Override
  public TypeInformation<RawReading> getProducedType() {
    return TypeInformation.of(RawReading.class);
  }
}
