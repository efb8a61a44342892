package io.streamae.cli;

import io.streamae.job.ConfigLoader;
import io.streamae.job.JobOptions;
import io.streamae.retrain.KafkaModelPublisher;
import io.streamae.scoring.ModelUpdate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Announces a model bundle to running scoring jobs: reads and verifies the bundle, computes its
 * SHA-256 and sends the update message (model id, version, URI, checksum) to the model-updates
 * topic, keyed by model id.
 */
@Command(
    name = "publish-model",
    mixinStandardHelpOptions = true,
    description = {
      "Sends a model bundle to running jobs through their model-updates topic.",
      "",
      "Reads and verifies the bundle, computes its SHA-256 and sends {modelId, modelVersion,"
          + " uri, sha256} to the topic; every job reading it verifies the bundle at the URI"
          + " and scores with it from its next batch, without a restart.",
      ""
    })
final class PublishModelCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BUNDLE", description = "the model bundle file")
  Path bundle;

  @Option(
      names = "--uri",
      paramLabel = "URI",
      description =
          "where the job's task managers read the bundle (a path or s3://, hdfs://, … URI"
              + " with the same bytes); default: the file's absolute path")
  String uri;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "job file to take kafka.bootstrap-servers, model.updates-topic and"
              + " kafka.properties.* from")
  Path config;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka brokers (overrides the job file's kafka.bootstrap-servers)")
  String bootstrapServers;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description = "model-updates topic (overrides the job file's model.updates-topic)")
  String topic;

  @Option(
      names = "--print",
      description = "only print the update message (e.g. for kafka-console-producer); send nothing")
  boolean print;

  @Override
  public Integer call() throws Exception {
    ModelUpdate update = ModelUpdate.describe(bundle, uri);
    String message = new String(update.toJson(), StandardCharsets.UTF_8);
    if (print) {
      System.out.println(message);
      return StreamAeMain.EXIT_OK;
    }
    Configuration job = ConfigLoader.load(config, List.of());
    String servers =
        bootstrapServers != null ? bootstrapServers : job.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS);
    String target = topic != null ? topic : job.get(JobOptions.MODEL_UPDATES_TOPIC);
    if (servers == null || servers.isBlank()) {
      throw new IllegalArgumentException(
          "no Kafka brokers: give --bootstrap-servers or a --config job file with "
              + JobOptions.KAFKA_BOOTSTRAP_SERVERS.key());
    }
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException(
          "no topic: give --topic or a --config job file with "
              + JobOptions.MODEL_UPDATES_TOPIC.key());
    }
    Properties props = new Properties();
    for (Map.Entry<String, String> e : job.toMap().entrySet()) {
      if (e.getKey().startsWith(JobOptions.KAFKA_PROPERTIES_PREFIX)) {
        props.setProperty(
            e.getKey().substring(JobOptions.KAFKA_PROPERTIES_PREFIX.length()), e.getValue());
      }
    }
    props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.trim());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaModelPublisher.producerProperties(props))) {
      RecordMetadata sent =
          producer
              .send(
                  new ProducerRecord<>(
                      target.trim(),
                      update.modelId().getBytes(StandardCharsets.UTF_8),
                      update.toJson()))
              .get(60, TimeUnit.SECONDS);
      System.out.printf(
          Locale.ROOT,
          "published %s (sha256 %s, %s) to %s partition %d offset %d%n",
          update.versionLabel(),
          update.sha256(),
          update.uri(),
          sent.topic(),
          sent.partition(),
          sent.offset());
    }
    return StreamAeMain.EXIT_OK;
  }
}
