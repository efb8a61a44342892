package io.streamae.retrain;

import io.streamae.kafka.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Feeds a {@link Retrainer} from the scoring job's results topic ({@code kafka.output-topic}), in
 * the calling thread: consumer group {@code <kafka.group-id>-retrain}, {@code
 * isolation.level=read_committed} (an exactly-once job's aborted output is never learned from)
 * unless {@code kafka.properties.isolation.level} says otherwise. Training runs between two polls,
 * so {@code max.poll.interval.ms} is raised to an hour: the group does not drop the retrainer while
 * it trains, and the results that arrive meanwhile wait in the topic.
 */
public final class ResultsTopicFeed implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;

  /**
   * @param from where a group without committed offsets starts: earliest or latest
   */
  public ResultsTopicFeed(KafkaSettings kafka, String from) {
    if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
      throw new IllegalArgumentException(
          "kafka.bootstrap-servers must be set to follow the results topic");
    }
    String reset = from.toLowerCase(Locale.ROOT);
    if (!reset.equals("earliest") && !reset.equals("latest")) {
      throw new IllegalArgumentException(
          String.format("--from (%s) must be earliest or latest", from));
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "3600000");
    props.putAll(kafka.properties());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(kafka));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(props);
    this.topic = kafka.outputTopic();
  }

  public static String groupId(KafkaSettings kafka) {
    return kafka.groupId() + "-retrain";
  }

  public String topic() {
    return topic;
  }

  /** Polls and feeds {@code retrainer} until {@code keepGoing} says no or {@link #close()}. */
  public void run(Retrainer retrainer, BooleanSupplier keepGoing) {
    consumer.subscribe(List.of(topic));
    try {
      while (keepGoing.getAsBoolean()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          retrainer.accept(record.value());
          if (!keepGoing.getAsBoolean()) {
            break;
          }
        }
      }
    } catch (WakeupException stopping) {
      // close() from another thread
    }
  }

  /** Wakes a running {@link #run} so it returns; then closes the consumer from its thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
