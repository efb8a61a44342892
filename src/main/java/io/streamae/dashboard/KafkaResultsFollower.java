package io.streamae.dashboard;

import io.streamae.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the scoring job's Kafka outputs for the dashboard: result records of {@code
 * kafka.output-topic} go to {@link FleetState#result}, dead letters of {@code
 * kafka.dead-letter-topic} are counted by their {@code reason} header. Consumer group {@code
 * <kafka.group-id>-dashboard}, {@code isolation.level=read_committed} unless {@code
 * kafka.properties.isolation.level} says otherwise (an exactly-once job's aborted output never
 * shows). Every two seconds the results' consumer lag (records behind the end) is published as the
 * page's input lag.
 */
public final class KafkaResultsFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaResultsFollower.class);

  /** Where a dashboard starts reading when it starts. */
  public enum From {
    /** The group's committed offsets; earliest where it has none. */
    COMMITTED,
    EARLIEST,
    LATEST
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaSettings kafka;
  private final FleetState state;
  private final From from;
  private final Thread thread;
  private volatile boolean running = true;

  public KafkaResultsFollower(KafkaSettings kafka, From from, FleetState state) {
    if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers must be set to follow Kafka");
    }
    this.kafka = kafka;
    this.state = state;
    this.from = from;
    this.consumer = new KafkaConsumer<>(properties(kafka));
    this.thread = new Thread(this::follow, "dashboard-kafka");
    thread.setDaemon(true);
    LOG.info(
        "following {} and {} on {} as group {}",
        kafka.outputTopic(),
        kafka.deadLetterTopic(),
        kafka.bootstrapServers(),
        groupId(kafka));
    thread.start();
  }

  static String groupId(KafkaSettings kafka) {
    return kafka.groupId() + "-dashboard";
  }

  static Properties properties(KafkaSettings kafka) {
    Properties props = new Properties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putAll(kafka.properties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(kafka));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  private void follow() {
    long nextLag = 0;
    try {
      consumer.subscribe(
          List.of(kafka.outputTopic(), kafka.deadLetterTopic()),
          new ConsumerRebalanceListener() {
            private boolean first = true;

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              // Only the first assignment: later rebalances resume where this dashboard was.
              if (first && from == From.EARLIEST) {
                consumer.seekToBeginning(partitions);
              } else if (first && from == From.LATEST) {
                consumer.seekToEnd(partitions);
              }
              first = false;
            }
          });
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.topic().equals(kafka.outputTopic())) {
            state.result(record.value());
          } else {
            Header reason = record.headers().lastHeader("reason");
            state.deadLetter(
                reason == null || reason.value() == null
                    ? null
                    : new String(reason.value(), StandardCharsets.UTF_8));
          }
        }
        if (System.nanoTime() - nextLag > 0) {
          state.lag(lag());
          nextLag = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    } catch (WakeupException stopping) {
      // close() asked to stop.
    } catch (RuntimeException e) {
      // Shown on the page as well as logged: a dashboard that silently stops would look healthy.
      LOG.error("following {} stopped", kafka.outputTopic(), e);
      state.problem(String.format("stopped following %s: %s", kafka.outputTopic(), e));
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Records of the results topic not yet read; -1 while nothing is assigned. */
  private long lag() {
    Set<TopicPartition> assigned = consumer.assignment();
    List<TopicPartition> results =
        assigned.stream().filter(p -> p.topic().equals(kafka.outputTopic())).toList();
    if (results.isEmpty()) {
      return -1;
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(results, Duration.ofSeconds(5));
    long lag = 0;
    for (TopicPartition p : results) {
      lag += Math.max(0, ends.getOrDefault(p, 0L) - consumer.position(p, Duration.ofSeconds(5)));
    }
    return lag;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
