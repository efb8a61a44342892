package io.streamae.kafka;

import io.streamae.sink.AnomalyRecord;
import io.streamae.sink.RecordJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a scored window into the Kafka record of the result topic.
 *
 * <p>Place in the pipeline: inside the {@code results-sink} operator. Input: an OK {@link
 * AnomalyRecord}. Output: a record with key {@code sensorId} (UTF-8, so one sensor's results stay
 * in one partition, in order), value {@link RecordJson#resultBytes} and timestamp {@code
 * windowEnd}, so consumers and retention see event time.
 */
public final class AnomalyRecordSerializer
    implements KafkaRecordSerializationSchema<AnomalyRecord> {
  private static final long serialVersionUID = 1L;

  private final String topic;

  public AnomalyRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      AnomalyRecord record, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        record.windowEnd(),
        record.sensorId().getBytes(StandardCharsets.UTF_8),
        RecordJson.resultBytes(record));
  }
}
