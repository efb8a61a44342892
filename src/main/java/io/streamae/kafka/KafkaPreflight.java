package io.streamae.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the cluster job is submitted, that Kafka answers and the input topic exists.
 *
 * <p>Place in the pipeline: none; {@code ScoringJobMain} runs it on the client. Without it a job
 * with a mistyped topic or an unreachable broker is accepted and then restarts in a loop. Input:
 * the validated {@code kafka.*} options; the admin client gets {@code kafka.properties.*} (security
 * settings) and {@code kafka.check-timeout} as its request and API timeout. Output: nothing, or an
 * {@link IllegalStateException} naming the brokers and the topic. A missing output or dead-letter
 * topic is only logged (brokers may create topics on first write).
 */
public final class KafkaPreflight {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

  /** Properties the check sets itself; the rest of {@code kafka.properties.*} pass as they are. */
  private static final Set<String> MANAGED =
      Set.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);

  private KafkaPreflight() {}

  /**
   * @throws IllegalStateException when the brokers do not answer within {@code kafka.check-timeout}
   *     or the input topic does not exist, naming brokers and topic
   */
  public static void check(KafkaSettings kafka) throws InterruptedException {
    check(kafka, null);
  }

  /**
   * Also checks that the model-updates topic exists, when there is one: a job would otherwise never
   * see an update.
   *
   * @param modelUpdatesTopic {@code model.updates-topic}, or null
   */
  public static void check(KafkaSettings kafka, String modelUpdatesTopic)
      throws InterruptedException {
    Duration timeout = kafka.checkTimeout();
    String servers = kafka.bootstrapServers();
    Properties props = new Properties();
    kafka
        .properties()
        .forEach(
            (k, v) -> {
              if (!MANAGED.contains(k)) {
                props.setProperty(k, v);
              }
            });
    props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    String millis = Long.toString(Math.max(1, timeout.toMillis()));
    props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    long started = System.nanoTime();
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          String.format(
              "cannot reach Kafka at %s (%s): %s",
              servers, KafkaOptions.KAFKA_BOOTSTRAP_SERVERS.key(), rootMessage(e)),
          e);
    }
    try {
      try {
        admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new IllegalStateException(
            String.format(
                "Kafka at %s (%s) did not answer within %s (%s), so input topic %s cannot be"
                    + " read: %s",
                servers,
                KafkaOptions.KAFKA_BOOTSTRAP_SERVERS.key(),
                TimeUtils.formatWithHighestUnit(timeout),
                KafkaOptions.KAFKA_CHECK_TIMEOUT.key(),
                kafka.inputTopic(),
                e instanceof TimeoutException ? "no answer" : rootMessage(e)),
            e);
      }
      TopicDescription input = describe(admin, kafka, kafka.inputTopic(), timeout);
      if (input == null) {
        throw new IllegalStateException(
            String.format(
                "input topic %s (%s) does not exist on Kafka at %s; create it (readings keyed by"
                    + " sensor id) or fix the name",
                kafka.inputTopic(), KafkaOptions.KAFKA_INPUT_TOPIC.key(), servers));
      }
      if (modelUpdatesTopic != null && describe(admin, kafka, modelUpdatesTopic, timeout) == null) {
        throw new IllegalStateException(
            String.format(
                "model-updates topic %s (%s) does not exist on Kafka at %s; create it (one"
                    + " partition is enough) or fix the name",
                modelUpdatesTopic, "model.updates-topic", servers));
      }
      for (String topic : List.of(kafka.outputTopic(), kafka.deadLetterTopic())) {
        if (describe(admin, kafka, topic, timeout) == null) {
          LOG.warn(
              "topic {} does not exist on Kafka at {}; the job writes to it, so the brokers must"
                  + " create it on first write (auto.create.topics.enable)",
              topic,
              servers);
        }
      }
      LOG.info(
          "Kafka at {} answered; input topic {} has {} partitions (checked in {} ms)",
          servers,
          kafka.inputTopic(),
          input.partitions().size(),
          (System.nanoTime() - started) / 1_000_000);
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }

  /** The topic's description, or null when the brokers say it does not exist. */
  private static TopicDescription describe(
      Admin admin, KafkaSettings kafka, String topic, Duration timeout) {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw new IllegalStateException(
          String.format(
              "Kafka at %s could not describe topic %s: %s",
              kafka.bootstrapServers(), topic, rootMessage(e)),
          e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          String.format(
              "Kafka at %s did not describe topic %s within %s (%s)",
              kafka.bootstrapServers(),
              topic,
              TimeUtils.formatWithHighestUnit(timeout),
              KafkaOptions.KAFKA_CHECK_TIMEOUT.key()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topic " + topic, e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
