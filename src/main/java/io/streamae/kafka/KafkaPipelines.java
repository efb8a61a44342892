package io.streamae.kafka;

import io.streamae.ingest.DeadLetter;
import io.streamae.ingest.RawReading;
import io.streamae.sink.AnomalyRecord;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the cluster job's Kafka source and sinks from the validated {@code kafka.*} options.
 *
 * <p>Place in the pipeline: both ends. {@link #source} reads {@code kafka.input-topic} into {@link
 * RawReading}s for {@code parse-readings}; {@link #results} writes OK {@link AnomalyRecord}s to
 * {@code kafka.output-topic}; {@link #deadLetters} writes every {@link DeadLetter} to {@code
 * kafka.dead-letter-topic}. Each builder checks its own settings in {@code build()}, failing with
 * the key to fix, and logs the effective client properties once, secrets masked (see {@link
 * KafkaSettings#isSecret}). {@code kafka.properties.*} reach every client; the few properties the
 * builders manage themselves are dropped from them with a WARN naming the option to use.
 *
 * <pre>{@code
 * KafkaSource<RawReading> source = KafkaPipelines.source(config.kafka()).build();
 * DataStream<RawReading> raw = env.fromSource(source, ReadingWatermarks.of(config),
 *     KafkaPipelines.SOURCE_UID).uid(KafkaPipelines.SOURCE_UID);
 * new AnomalyDetectionJob(config, layout).build(raw, true).sinkTo(
 *     KafkaPipelines.results(config.kafka()).build(),
 *     KafkaPipelines.deadLetters(config.kafka()).build());
 * }</pre>
 */
public final class KafkaPipelines {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaPipelines.class);

  /** Name and uid of the source operator; released, never to be renamed (savepoints). */
  public static final String SOURCE_UID = "kafka-source";

  /**
   * Default {@code max.request.size} of the dead-letter producer. A payload the parser rejects as
   * too large (over 1 MiB) is forwarded whole, so the default 1 MiB would fail the sink; the
   * dead-letter topic's {@code max.message.bytes} must allow as much.
   */
  public static final int DEAD_LETTER_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

  private static final Set<String> SOURCE_MANAGED =
      Set.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
          ConsumerConfig.GROUP_ID_CONFIG,
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

  private static final Set<String> SINK_MANAGED =
      Set.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

  private KafkaPipelines() {}

  /** A builder of the readings source; see {@link SourceBuilder#build()}. */
  public static SourceBuilder source(KafkaSettings kafka) {
    return new SourceBuilder(kafka);
  }

  /**
   * Producer defaults of the result sink, each overridden by the same {@code kafka.properties.*}
   * key. A result is about 1 KB of JSON per window, one per reading: lz4 shrinks it about 4× and
   * larger batches mean fewer requests, which halved the producer's and the broker's CPU time in
   * the Kafka benchmark (README, Performance).
   */
  public static final Map<String, String> RESULT_PRODUCER_DEFAULTS =
      Map.of(
          ProducerConfig.COMPRESSION_TYPE_CONFIG,
          "lz4",
          ProducerConfig.BATCH_SIZE_CONFIG,
          Integer.toString(128 * 1024));

  /** A builder of the result sink: key sensorId, value the result JSON, timestamp window end. */
  public static SinkBuilder<AnomalyRecord> results(KafkaSettings kafka) {
    return new SinkBuilder<>(
        kafka,
        "results",
        kafka.outputTopic(),
        KafkaOptions.KAFKA_OUTPUT_TOPIC.key(),
        new AnomalyRecordSerializer(kafka.outputTopic()),
        RESULT_PRODUCER_DEFAULTS);
  }

  /** A builder of the dead-letter sink: raw bytes, no key, headers reason/detail/stage/source. */
  public static SinkBuilder<DeadLetter> deadLetters(KafkaSettings kafka) {
    return new SinkBuilder<>(
        kafka,
        "dead-letters",
        kafka.deadLetterTopic(),
        KafkaOptions.KAFKA_DEAD_LETTER_TOPIC.key(),
        new DeadLetterSerializer(kafka.deadLetterTopic()),
        Map.of(
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            Integer.toString(DEAD_LETTER_MAX_REQUEST_BYTES)));
  }

  /**
   * Builds the {@code KafkaSource<RawReading>} of {@code kafka.input-topic}.
   *
   * <pre>{@code
   * KafkaSource<RawReading> source = KafkaPipelines.source(config)
   *     .property("client.rack", "eu-west-1a")   // on top of kafka.properties.*
   *     .build();
   * }</pre>
   */
  public static final class SourceBuilder {
    private final KafkaSettings kafka;
    private final Map<String, String> extra = new TreeMap<>();

    private SourceBuilder(KafkaSettings kafka) {
      this.kafka = kafka;
    }

    /** One more consumer property, on top of {@code kafka.properties.*}. */
    public SourceBuilder property(String key, String value) {
      extra.put(key, value);
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the key when {@code kafka.bootstrap-servers} is unset
     */
    public KafkaSource<RawReading> build() {
      requireBootstrapServers(kafka, "source");
      Properties props = clientProperties(kafka, extra, SOURCE_MANAGED, "source");
      KafkaSourceBuilder<RawReading> builder =
          KafkaSource.<RawReading>builder()
              .setProperties(props)
              .setBootstrapServers(kafka.bootstrapServers())
              .setTopics(kafka.inputTopic())
              .setGroupId(kafka.groupId())
              .setStartingOffsets(startingOffsets(kafka.startingOffsets()))
              .setDeserializer(new RawReadingDeserializer());
      if ("latest".equals(kafka.stoppingOffsets())) {
        builder.setBounded(OffsetsInitializer.latest());
      }
      props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
      LOG.info(
          "Kafka source reads topic {} (starting at {}, stopping at {}, event time from"
              + " {}); client properties {}",
          kafka.inputTopic(),
          kafka.startingOffsets(),
          kafka.stoppingOffsets(),
          kafka.eventTime(),
          KafkaSettings.redacted(props));
      return builder.build();
    }

    private static OffsetsInitializer startingOffsets(String name) {
      return switch (name) {
        case "earliest" -> OffsetsInitializer.earliest();
        case "latest" -> OffsetsInitializer.latest();
        case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        default ->
            throw new IllegalArgumentException(
                String.format(
                    "%s (%s) must be one of %s",
                    KafkaOptions.KAFKA_STARTING_OFFSETS.key(),
                    name,
                    KafkaSettings.STARTING_OFFSETS));
      };
    }
  }

  /**
   * Builds a {@code KafkaSink} with the configured delivery guarantee. With exactly-once, every
   * sink gets its own transactional-id prefix ({@code kafka.transactional-id-prefix} plus {@code
   * -results} or {@code -dead-letters}) and {@code kafka.transaction-timeout}.
   *
   * <pre>{@code
   * KafkaSink<AnomalyRecord> results = KafkaPipelines.results(config)
   *     .property("compression.type", "zstd")   // on top of kafka.properties.*
   *     .build();
   * outputs.sinkTo(results, KafkaPipelines.deadLetters(config).build());
   * }</pre>
   */
  public static final class SinkBuilder<T> {
    private final KafkaSettings kafka;
    private final String role;
    private final String topic;
    private final String topicKey;
    private final KafkaRecordSerializationSchema<T> serializer;
    private final Map<String, String> defaults;
    private final Map<String, String> extra = new TreeMap<>();

    private SinkBuilder(
        KafkaSettings kafka,
        String role,
        String topic,
        String topicKey,
        KafkaRecordSerializationSchema<T> serializer,
        Map<String, String> defaults) {
      this.kafka = kafka;
      this.role = role;
      this.topic = topic;
      this.topicKey = topicKey;
      this.serializer = serializer;
      this.defaults = defaults;
    }

    /** One more producer property, on top of {@code kafka.properties.*}. */
    public SinkBuilder<T> property(String key, String value) {
      extra.put(key, value);
      return this;
    }

    /**
     * The producer properties the sink is built with, before the ones it manages itself: {@code
     * kafka.properties.*} and {@link #property}s over this sink's defaults.
     */
    public Properties producerProperties() {
      Properties props = clientProperties(kafka, extra, SINK_MANAGED, role + " sink");
      defaults.forEach(props::putIfAbsent);
      return props;
    }

    /**
     * @throws IllegalArgumentException naming the key when a setting this sink needs is unset
     */
    public KafkaSink<T> build() {
      requireBootstrapServers(kafka, role + " sink");
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException(
            String.format("%s (%s) must be set for the %s sink", topicKey, topic, role));
      }
      Properties props = producerProperties();
      KafkaSinkBuilder<T> builder =
          KafkaSink.<T>builder()
              .setKafkaProducerConfig(props)
              .setBootstrapServers(kafka.bootstrapServers())
              .setRecordSerializer(serializer);
      String transactionalIdPrefix = null;
      if (kafka.exactlyOnce()) {
        if (kafka.transactionalIdPrefix() == null) {
          throw new IllegalArgumentException(
              String.format(
                  "%s must be set when %s is %s",
                  KafkaOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(),
                  KafkaOptions.KAFKA_DELIVERY_GUARANTEE.key(),
                  KafkaSettings.EXACTLY_ONCE));
        }
        transactionalIdPrefix = kafka.transactionalIdPrefix() + "-" + role;
        String timeout = Long.toString(kafka.transactionTimeout().toMillis());
        builder
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionalIdPrefix(transactionalIdPrefix)
            .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeout);
        props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeout);
      } else {
        builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
      }
      props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      LOG.info(
          "Kafka {} sink writes topic {} {} (transactional-id prefix {}); client"
              + " properties {}",
          role,
          topic,
          kafka.deliveryGuarantee(),
          transactionalIdPrefix,
          KafkaSettings.redacted(props));
      return builder.build();
    }
  }

  private static void requireBootstrapServers(KafkaSettings kafka, String client) {
    if (kafka.bootstrapServers() == null) {
      throw new IllegalArgumentException(
          String.format(
              "%s must be set for the Kafka %s",
              KafkaOptions.KAFKA_BOOTSTRAP_SERVERS.key(), client));
    }
  }

  /**
   * {@code kafka.properties.*} plus the builder's own, without the keys the builder manages (each
   * dropped with a WARN naming the option that sets it).
   */
  private static Properties clientProperties(
      KafkaSettings kafka, Map<String, String> extra, Set<String> managed, String client) {
    Map<String, String> all = new TreeMap<>(kafka.properties());
    all.putAll(extra);
    Properties props = new Properties();
    all.forEach(
        (key, value) -> {
          if (managed.contains(key)) {
            LOG.warn(
                "{}{} ({}) is ignored by the Kafka {}: it is set from {}",
                KafkaOptions.KAFKA_PROPERTIES_PREFIX,
                key,
                KafkaSettings.isSecret(key) ? KafkaSettings.MASK : value,
                client,
                managedBy(key));
          } else {
            props.setProperty(key, value);
          }
        });
    return props;
  }

  private static String managedBy(String key) {
    return switch (key) {
      case "bootstrap.servers" -> KafkaOptions.KAFKA_BOOTSTRAP_SERVERS.key();
      case "group.id" -> KafkaOptions.KAFKA_GROUP_ID.key();
      case "auto.offset.reset" -> KafkaOptions.KAFKA_STARTING_OFFSETS.key();
      case "transactional.id" -> KafkaOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key();
      case "transaction.timeout.ms" -> KafkaOptions.KAFKA_TRANSACTION_TIMEOUT.key();
      default -> "the job (byte-array serde)";
    };
  }
}
