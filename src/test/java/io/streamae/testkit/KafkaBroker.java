package io.streamae.testkit;

import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) inside the test JVM,
 * started with Kafka's own {@link KafkaClusterTestKit}: no Docker, and the same Kafka version as
 * the connector's clients. Listens on loopback only (ephemeral ports on {@code localhost}).
 * Internal topics have replication factor 1, so consumer groups and transactions work on one node.
 *
 * <p>Register it once per class; give every test its own topics:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();
 *
 * String input = KAFKA.createTopic("readings", 2);
 * try (var producer = KAFKA.producer()) { producer.send(new ProducerRecord<>(input, bytes)); }
 * List<ConsumerRecord<byte[], byte[]>> out =
 *     KAFKA.readAll(output, 10, true, Duration.ofSeconds(30));
 * }</pre>
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
  private static final AtomicInteger TOPICS = new AtomicInteger();

  private KafkaClusterTestKit cluster;
  private Admin admin;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  /** Formats and starts the broker and waits until it accepts clients. */
  public void start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            // A released metadata version, as production runs, not the newest (unstable) one.
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .build();
    cluster =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "1")
            .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
            .setConfigProp("share.coordinator.state.topic.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("unstable.api.versions.enable", "false")
            .setConfigProp("unstable.feature.versions.enable", "false")
            .build();
    bindToLoopbackOnly(cluster);
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    admin = Admin.create(clientProperties());
  }

  /**
   * The test kit reserves each listener's port with a socket bound to every interface and hands
   * that socket to the broker. Closing the reserved sockets makes the broker bind the same ports
   * itself, on the host its listeners name: {@code localhost}, so nothing listens beyond loopback.
   */
  private static void bindToLoopbackOnly(KafkaClusterTestKit cluster) throws Exception {
    Field managerField = KafkaClusterTestKit.class.getDeclaredField("socketFactoryManager");
    managerField.setAccessible(true);
    Object manager = managerField.get(cluster);
    Field socketsField = manager.getClass().getDeclaredField("sockets");
    socketsField.setAccessible(true);
    synchronized (manager) {
      for (Object perNode : ((Map<?, ?>) socketsField.get(manager)).values()) {
        for (Object socket : ((Map<?, ?>) perNode).values()) {
          ((ServerSocketChannel) socket).close();
        }
      }
    }
  }

  /** Stops the broker and deletes its directories. */
  public void stop() throws Exception {
    try {
      if (admin != null) {
        admin.close(Duration.ofSeconds(10));
      }
    } finally {
      admin = null;
      if (cluster != null) {
        cluster.close();
        cluster = null;
      }
    }
  }

  /** {@code localhost:<port>} of the broker listener. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates a fresh topic named {@code prefix-<n>}; see {@link #createTopic(String, int, Map)}. */
  public String createTopic(String prefix, int partitions) throws Exception {
    return createTopic(prefix, partitions, Map.of());
  }

  /**
   * Creates a topic no other test uses and waits until it exists.
   *
   * @param configs topic configs, e.g. {@code max.message.bytes}
   * @return the topic name, {@code prefix-<n>}
   */
  public String createTopic(String prefix, int partitions, Map<String, String> configs)
      throws Exception {
    String name = String.format("%s-%d", prefix, TOPICS.incrementAndGet());
    admin
        .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
        .all()
        .get(30, TimeUnit.SECONDS);
    // Creation completes before partitions have a leader; producing then can lose a batch to an
    // OutOfOrderSequenceException, so wait until every partition has one.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!everyPartitionHasALeader(name)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader for every partition of " + name + " after 30 s");
      }
      Thread.sleep(50);
    }
    return name;
  }

  /** False also while the broker's metadata does not know the new topic yet. */
  private boolean everyPartitionHasALeader(String topic) throws Exception {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .stream()
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  /** An idempotent byte-array producer with acks=all; the caller closes it. */
  public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
    Properties props = clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.putAll(overrides);
    return new KafkaProducer<>(props);
  }

  public KafkaProducer<byte[], byte[]> producer() {
    return producer(Map.of());
  }

  /**
   * Reads {@code topic} from the beginning, without a consumer group, until {@code expected}
   * records arrived and then for a short while longer (to catch extras), or until {@code timeout}.
   *
   * @param readCommitted {@code isolation.level=read_committed}, as exactly-once readers must
   * @return every record read, in partition order
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(
      String topic, int expected, boolean readCommitted, Duration timeout) {
    Properties props = clientProperties();
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        (readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED)
            .toString());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
        batch.forEach(records::add);
        if (records.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
      }
    }
    return records;
  }

  /** The admin client of this broker (closed by {@link #stop()}). */
  public Admin admin() {
    return admin;
  }

  /** Names of the topics that exist now. */
  public Set<String> topics() throws Exception {
    return admin.listTopics().names().get(30, TimeUnit.SECONDS);
  }

  private Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }
}
