package io.streamae.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The validated {@code kafka.*} options (see {@link KafkaOptions} for each). Always present: the
 * bootstrap servers are required when {@code source.kind} is kafka, the transactional-id prefix
 * whenever delivery is exactly-once, and the Kafka builders check again what they need.
 *
 * @param properties the {@code kafka.properties.*} entries without the prefix, for every client
 */
public record KafkaSettings(
    String bootstrapServers,
    String inputTopic,
    String outputTopic,
    String deadLetterTopic,
    String groupId,
    String startingOffsets,
    String stoppingOffsets,
    String eventTime,
    String deliveryGuarantee,
    String transactionalIdPrefix,
    Duration transactionTimeout,
    Duration checkTimeout,
    Map<String, String> properties)
    implements Serializable {

  public static final Set<String> STARTING_OFFSETS = Set.of("earliest", "latest", "committed");
  public static final Set<String> STOPPING_OFFSETS = Set.of("none", "latest");
  public static final Set<String> EVENT_TIMES = Set.of("payload", "record");
  public static final String AT_LEAST_ONCE = "at-least-once";
  public static final String EXACTLY_ONCE = "exactly-once";
  public static final Set<String> DELIVERY_GUARANTEES = Set.of(AT_LEAST_ONCE, EXACTLY_ONCE);

  /** Kafka brokers refuse longer transactions unless transaction.max.timeout.ms is raised. */
  public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  /** Property keys whose values are never logged or shown (matched case-insensitively). */
  public static final Set<String> SECRET_MARKERS =
      Set.of("password", "secret", "jaas", "token", "key");

  public static final String MASK = "******";

  /**
   * @param required whether the job reads Kafka, so the keys without default must be set
   */
  public static KafkaSettings from(Configuration c, boolean required) {
    String servers = trimmed(c.get(KafkaOptions.KAFKA_BOOTSTRAP_SERVERS));
    check(
        !required || servers != null,
        KafkaOptions.KAFKA_BOOTSTRAP_SERVERS,
        c.get(KafkaOptions.KAFKA_BOOTSTRAP_SERVERS),
        "must be set when source.kind is kafka");
    String input = nonBlank(c, KafkaOptions.KAFKA_INPUT_TOPIC);
    String output = nonBlank(c, KafkaOptions.KAFKA_OUTPUT_TOPIC);
    String deadLetters = nonBlank(c, KafkaOptions.KAFKA_DEAD_LETTER_TOPIC);
    check(
        !output.equals(input),
        KafkaOptions.KAFKA_OUTPUT_TOPIC,
        output,
        "must differ from " + KafkaOptions.KAFKA_INPUT_TOPIC.key());
    check(
        !deadLetters.equals(input),
        KafkaOptions.KAFKA_DEAD_LETTER_TOPIC,
        deadLetters,
        "must differ from " + KafkaOptions.KAFKA_INPUT_TOPIC.key());
    check(
        !deadLetters.equals(output),
        KafkaOptions.KAFKA_DEAD_LETTER_TOPIC,
        deadLetters,
        "must differ from " + KafkaOptions.KAFKA_OUTPUT_TOPIC.key());
    String starting = oneOf(c, KafkaOptions.KAFKA_STARTING_OFFSETS, STARTING_OFFSETS);
    String stopping = oneOf(c, KafkaOptions.KAFKA_STOPPING_OFFSETS, STOPPING_OFFSETS);
    String eventTime = oneOf(c, KafkaOptions.KAFKA_EVENT_TIME, EVENT_TIMES);
    String guarantee = oneOf(c, KafkaOptions.KAFKA_DELIVERY_GUARANTEE, DELIVERY_GUARANTEES);
    String prefix = trimmed(c.get(KafkaOptions.KAFKA_TRANSACTIONAL_ID_PREFIX));
    check(
        !guarantee.equals(EXACTLY_ONCE) || prefix != null,
        KafkaOptions.KAFKA_TRANSACTIONAL_ID_PREFIX,
        prefix,
        "must be set when kafka.delivery-guarantee is exactly-once");
    Duration timeout = c.get(KafkaOptions.KAFKA_TRANSACTION_TIMEOUT);
    check(
        !timeout.isNegative() && !timeout.isZero(),
        KafkaOptions.KAFKA_TRANSACTION_TIMEOUT,
        timeout,
        "must be positive");
    check(
        timeout.compareTo(MAX_TRANSACTION_TIMEOUT) <= 0,
        KafkaOptions.KAFKA_TRANSACTION_TIMEOUT,
        timeout,
        String.format(
            "must not exceed %s, the brokers' default" + " transaction.max.timeout.ms",
            MAX_TRANSACTION_TIMEOUT));
    Duration interval = c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
    if (guarantee.equals(EXACTLY_ONCE) && interval != null && timeout.compareTo(interval) <= 0) {
      throw new IllegalArgumentException(
          String.format(
              "%s (%s) must exceed %s (%s), or transactions expire before their checkpoint commits",
              KafkaOptions.KAFKA_TRANSACTION_TIMEOUT.key(),
              timeout,
              CheckpointingOptions.CHECKPOINTING_INTERVAL.key(),
              interval));
    }
    Map<String, String> properties = new TreeMap<>();
    for (Map.Entry<String, String> e : c.toMap().entrySet()) {
      if (e.getKey().startsWith(KafkaOptions.KAFKA_PROPERTIES_PREFIX)) {
        String key = e.getKey().substring(KafkaOptions.KAFKA_PROPERTIES_PREFIX.length());
        if (key.isEmpty()) {
          throw new IllegalArgumentException(
              String.format(
                  "%s needs a Kafka client property name after the prefix",
                  KafkaOptions.KAFKA_PROPERTIES_PREFIX));
        }
        properties.put(key, e.getValue());
      }
    }
    return new KafkaSettings(
        servers,
        input,
        output,
        deadLetters,
        nonBlank(c, KafkaOptions.KAFKA_GROUP_ID),
        starting,
        stopping,
        eventTime,
        guarantee,
        prefix,
        timeout,
        positiveDuration(c, KafkaOptions.KAFKA_CHECK_TIMEOUT),
        Map.copyOf(properties));
  }

  /** Event time is the Kafka record timestamp rather than the payload's {@code ts}. */
  public boolean recordTime() {
    return "record".equals(eventTime);
  }

  public boolean exactlyOnce() {
    return EXACTLY_ONCE.equals(deliveryGuarantee);
  }

  /** Whether the value of a client property must never be logged or shown. */
  public static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_MARKERS.stream().anyMatch(lower::contains);
  }

  /** A sorted copy with the values of secret keys (see {@link #isSecret}) masked. */
  public static Map<String, String> redacted(Map<?, ?> properties) {
    Map<String, String> copy = new TreeMap<>();
    properties.forEach(
        (k, v) ->
            copy.put(String.valueOf(k), isSecret(String.valueOf(k)) ? MASK : String.valueOf(v)));
    return copy;
  }

  /** Masks secret client properties: this record may end up in a log line. */
  @Override
  public String toString() {
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("bootstrapServers", bootstrapServers);
    shown.put("inputTopic", inputTopic);
    shown.put("outputTopic", outputTopic);
    shown.put("deadLetterTopic", deadLetterTopic);
    shown.put("groupId", groupId);
    shown.put("startingOffsets", startingOffsets);
    shown.put("stoppingOffsets", stoppingOffsets);
    shown.put("eventTime", eventTime);
    shown.put("deliveryGuarantee", deliveryGuarantee);
    shown.put("transactionalIdPrefix", transactionalIdPrefix);
    shown.put("transactionTimeout", transactionTimeout);
    shown.put("checkTimeout", checkTimeout);
    shown.put("properties", redacted(properties));
    return "KafkaSettings" + shown;
  }

  private static String trimmed(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static String nonBlank(Configuration c, ConfigOption<String> option) {
    String value = trimmed(c.get(option));
    check(value != null, option, c.get(option), "must not be blank");
    return value;
  }

  private static String oneOf(Configuration c, ConfigOption<String> option, Set<String> allowed) {
    String value = c.get(option).trim().toLowerCase(Locale.ROOT);
    check(allowed.contains(value), option, value, "must be one of " + new TreeSet<>(allowed));
    return value;
  }

  private static Duration positiveDuration(Configuration c, ConfigOption<Duration> option) {
    Duration v = c.get(option);
    check(!v.isNegative() && !v.isZero(), option, v, "must be positive");
    return v;
  }

  private static void check(boolean ok, ConfigOption<?> option, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(String.format("%s (%s) %s", option.key(), value, rule));
    }
  }
}
