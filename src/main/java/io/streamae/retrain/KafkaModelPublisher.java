package io.streamae.retrain;

import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.ModelUpdate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes like {@code streamae publish-model}: writes the bundle to {@code
 * bundleDir/<id>-<version>.sae} and sends its update message (model id, version, URI, SHA-256) to
 * the model-updates topic, keyed by model id. The URI is {@code uriPrefix + file name} when a
 * prefix is given (the same directory as the TaskManagers see it, e.g. a shared mount or an object
 * store synced from it), else the file's absolute path.
 */
public final class KafkaModelPublisher implements ModelPublisher {
  private final Path bundleDir;
  private final String uriPrefix;
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;

  /**
   * @param kafkaProperties client properties (bootstrap servers, security, …)
   */
  public KafkaModelPublisher(
      Properties kafkaProperties, String topic, Path bundleDir, String uriPrefix) {
    this.bundleDir = bundleDir.toAbsolutePath();
    this.uriPrefix = uriPrefix;
    this.topic = topic;
    this.producer = new KafkaProducer<>(producerProperties(kafkaProperties));
  }

  /**
   * Producer settings for a model update: {@code kafkaProperties} plus acknowledgement by every
   * replica and bounded waits, so an update is either on the topic or reported as failed within
   * half a minute.
   */
  public static Properties producerProperties(Properties kafkaProperties) {
    Properties props = new Properties();
    props.putAll(kafkaProperties);
    props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    props.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
    props.setProperty(
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.setProperty(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  @Override
  public ModelUpdate publish(ModelBundle bundle) throws IOException {
    String name = bundle.metadata().modelId() + "-" + bundle.metadata().modelVersion() + ".sae";
    Path file = bundleDir.resolve(name);
    bundle.write(file);
    ModelUpdate update =
        ModelUpdate.describe(
            file, uriPrefix == null || uriPrefix.isBlank() ? null : uriPrefix + name);
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic, update.modelId().getBytes(StandardCharsets.UTF_8), update.toJson()))
          .get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing " + update.versionLabel(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          String.format("cannot publish %s to %s: %s", update.versionLabel(), topic, e), e);
    }
    return update;
  }

  @Override
  public String describe() {
    return "topic " + topic + " (bundles in " + bundleDir + ")";
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
