package io.streamae.kafka;

import io.streamae.ingest.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Turns a dead letter into the Kafka record of the dead-letter topic.
 *
 * <p>Place in the pipeline: inside the {@code dead-letter-sink} operator. Input: a {@link
 * DeadLetter} from any stage. Output: a record with no key, the raw payload bytes exactly as they
 * arrived as value ({@code null} stays {@code null}, so a tombstone is forwarded as a tombstone),
 * the rejection time as timestamp and UTF-8 headers {@value #REASON} (e.g. {@code MALFORMED_JSON}),
 * {@value #DETAIL}, {@value #STAGE} (e.g. {@code parse}) and {@value #SOURCE} (e.g. {@code
 * kafka:sensor-readings/3@1042}); a header whose value is {@code null} is left out.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;

  public static final String REASON = "reason";
  public static final String DETAIL = "detail";
  public static final String STAGE = "stage";
  public static final String SOURCE = "source";

  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    List<Header> headers = new ArrayList<>(4);
    add(headers, REASON, letter.reason());
    add(headers, DETAIL, letter.detail());
    add(headers, STAGE, letter.stage());
    add(headers, SOURCE, letter.source());
    // Kafka refuses negative timestamps; null lets the producer stamp the record instead.
    Long stamp = letter.timestamp() >= 0 ? letter.timestamp() : null;
    return new ProducerRecord<>(topic, null, stamp, null, letter.payload(), headers);
  }

  private static void add(List<Header> headers, String name, String value) {
    if (value != null) {
      headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
