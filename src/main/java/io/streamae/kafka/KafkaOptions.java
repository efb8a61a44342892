package io.streamae.kafka;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The {@code kafka.*} options: key, type, default and one sentence each. The Kafka side owns them;
 * {@code JobOptions} lists them beside the job's own options under the same names.
 */
public final class KafkaOptions {
  private KafkaOptions() {}

  public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Kafka brokers as host:port[,host:port...]; required when source.kind is kafka.");

  public static final ConfigOption<String> KAFKA_INPUT_TOPIC =
      ConfigOptions.key("kafka.input-topic")
          .stringType()
          .defaultValue("sensor-readings")
          .withDescription(
              "Topic of raw sensor readings, one JSON reading per record, keyed by sensor id"
                  + " so each sensor stays in order.");

  public static final ConfigOption<String> KAFKA_OUTPUT_TOPIC =
      ConfigOptions.key("kafka.output-topic")
          .stringType()
          .defaultValue("anomaly-results")
          .withDescription(
              "Topic of scored windows: key sensorId, value the result JSON, record timestamp"
                  + " the window end.");

  public static final ConfigOption<String> KAFKA_DEAD_LETTER_TOPIC =
      ConfigOptions.key("kafka.dead-letter-topic")
          .stringType()
          .defaultValue("sensor-dead-letters")
          .withDescription(
              "Topic of records the job could not use: the exact raw bytes, no key, headers"
                  + " reason, detail, stage and source.");

  public static final ConfigOption<String> KAFKA_GROUP_ID =
      ConfigOptions.key("kafka.group-id")
          .stringType()
          .defaultValue("streamae-scoring")
          .withDescription(
              "Consumer group of the source; offsets are committed on checkpoints (for lag"
                  + " monitoring and kafka.starting-offsets committed).");

  public static final ConfigOption<String> KAFKA_STARTING_OFFSETS =
      ConfigOptions.key("kafka.starting-offsets")
          .stringType()
          .defaultValue("committed")
          .withDescription(
              "Where a job started without checkpoint or savepoint begins to read: earliest,"
                  + " latest, or committed (the group's offsets; earliest where it has none).");

  public static final ConfigOption<String> KAFKA_STOPPING_OFFSETS =
      ConfigOptions.key("kafka.stopping-offsets")
          .stringType()
          .defaultValue("none")
          .withDescription(
              "none: read for ever; latest: stop at the offsets that are latest when the job"
                  + " starts, then finish (backfills, tests).");

  public static final ConfigOption<String> KAFKA_EVENT_TIME =
      ConfigOptions.key("kafka.event-time")
          .stringType()
          .defaultValue("payload")
          .withDescription(
              "Event time of a reading: payload (its ts field) or record (the Kafka record"
                  + " timestamp).");

  public static final ConfigOption<String> KAFKA_DELIVERY_GUARANTEE =
      ConfigOptions.key("kafka.delivery-guarantee")
          .stringType()
          .defaultValue("at-least-once")
          .withDescription(
              "at-least-once (a failure may repeat some output) or exactly-once (Kafka"
                  + " transactions committed on checkpoints; readers need isolation.level"
                  + " read_committed).");

  public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX =
      ConfigOptions.key("kafka.transactional-id-prefix")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Prefix of the sinks' transactional ids, unique per job on the Kafka cluster and"
                  + " kept across restarts; required for exactly-once.");

  public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
      ConfigOptions.key("kafka.transaction-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "Exactly-once: Kafka transaction timeout; must exceed the checkpoint interval and"
                  + " stay within the brokers' transaction.max.timeout.ms (15 min by default).");

  public static final ConfigOption<Duration> KAFKA_CHECK_TIMEOUT =
      ConfigOptions.key("kafka.check-timeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "Before the job is submitted, how long the brokers have to answer and to describe"
                  + " the input topic; a broker that does not answer or a missing topic stops"
                  + " the submission, naming both.");

  /**
   * Prefix of Kafka client properties passed as they are to the source and both sinks, e.g. {@code
   * kafka.properties.security.protocol: SASL_SSL}. A prefix, not one {@link ConfigOption}.
   */
  public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";
}
