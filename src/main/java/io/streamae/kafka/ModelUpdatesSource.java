package io.streamae.kafka;

import io.streamae.ingest.RawReading;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka source of {@code model.updates-topic}: raw update messages (bytes plus coordinates, as
 * {@link RawReading}s) for {@code parse-model-updates}. Always unbounded, whatever {@code
 * kafka.stopping-offsets} says for the readings: updates may come at any time. It reads with the
 * group {@code kafka.group-id} + {@value #GROUP_SUFFIX}, the {@code kafka.properties.*} of every
 * client, and starts as {@code model.updates-starting-offsets} says; after a restore, at the
 * offsets of the checkpoint.
 *
 * <pre>{@code
 * DataStream<RawReading> updates = env.fromSource(
 *         ModelUpdatesSource.build(config.kafka(), topic, startingOffsets),
 *         WatermarkStrategy.noWatermarks(), ModelUpdatesSource.UID)
 *     .uid(ModelUpdatesSource.UID).setParallelism(1);
 * }</pre>
 */
public final class ModelUpdatesSource {
  private static final Logger LOG = LoggerFactory.getLogger(ModelUpdatesSource.class);

  /** Name and uid of the source operator (savepoints depend on it). */
  public static final String UID = "model-updates-source";

  public static final String GROUP_SUFFIX = "-model-updates";

  private ModelUpdatesSource() {}

  /**
   * @param topic {@code model.updates-topic}
   * @param startingOffsets {@code model.updates-starting-offsets}: earliest, latest or committed
   * @throws IllegalArgumentException naming the key when {@code model.updates-topic} or {@code
   *     kafka.bootstrap-servers} is unset
   */
  public static KafkaSource<RawReading> build(
      KafkaSettings kafka, String topic, String startingOffsets) {
    if (topic == null) {
      throw new IllegalArgumentException(
          "model.updates-topic must be set for the model-updates source");
    }
    if (kafka.bootstrapServers() == null) {
      throw new IllegalArgumentException(
          String.format(
              "%s must be set to read model.updates-topic",
              KafkaOptions.KAFKA_BOOTSTRAP_SERVERS.key()));
    }
    Properties props = new Properties();
    kafka.properties().forEach(props::setProperty);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
    String group = kafka.groupId() + GROUP_SUFFIX;
    OffsetsInitializer start =
        switch (startingOffsets) {
          case "earliest" -> OffsetsInitializer.earliest();
          case "latest" -> OffsetsInitializer.latest();
          default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
        };
    LOG.info(
        "model updates from topic {} (group {}, starting at {})", topic, group, startingOffsets);
    return KafkaSource.<RawReading>builder()
        .setProperties(props)
        .setBootstrapServers(kafka.bootstrapServers())
        .setTopics(topic)
        .setGroupId(group)
        .setStartingOffsets(start)
        .setDeserializer(new RawReadingDeserializer())
        .build();
  }
}
