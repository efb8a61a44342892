package io.streamae.cli;

import io.streamae.dashboard.JsonLinesTail;
import io.streamae.job.ConfigLoader;
import io.streamae.job.JobConfig;
import io.streamae.model.io.ModelBundle;
import io.streamae.retrain.KafkaModelPublisher;
import io.streamae.retrain.ModelPublisher;
import io.streamae.retrain.ResultsTopicFeed;
import io.streamae.retrain.Retrainer;
import io.streamae.retrain.WatchedFilePublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code retrain}: continual retraining beside a running scoring job. Follows the job's results
 * (the results topic, or a local run's results file), fine-tunes a new model version when the model
 * drifts (or on a schedule) and publishes it to the model-updates topic (or over the watched {@code
 * model.path}).
 */
@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Retrains the model of a running scoring job from its own results, when it drifts.",
      "",
      "Follows the results topic (kafka.output-topic; or --results FILE of a local run), keeps a"
          + " bounded sample of the windows the job judged normal, and when many sensors' recent"
          + " median error moves well above the model's validation error (or on --retrain.every)"
          + " fine-tunes a new version from the current weights, in one thread paced to"
          + " --retrain.cpu-share of a core, and publishes it to model.updates-topic (or, with"
          + " --watch, over the watched model.path). Runs until Ctrl-C or --max-retrains.",
      ""
    })
final class RetrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "the scoring job's YAML job file: kafka.*, model.path and model.updates-topic are read"
              + " from it; --key value overrides it")
  Path config;

  @Option(
      names = "--model",
      paramLabel = "PATH",
      description =
          "the bundle the job scores with now, one per model id (repeatable). Default: model.path")
  List<Path> models = new ArrayList<>();

  @Option(
      names = "--results",
      paramLabel = "FILE",
      description = "follow this results file (JSON lines, a local run's) instead of Kafka")
  Path results;

  @Option(
      names = "--watch",
      description =
          "publish by replacing model.path (for jobs with model.watch-interval) instead of"
              + " sending to model.updates-topic")
  boolean watch;

  @Option(
      names = "--bundle-dir",
      paramLabel = "DIR",
      description = "where new bundle versions are written. Default: beside the first --model")
  Path bundleDir;

  @Option(
      names = "--uri-prefix",
      paramLabel = "URI",
      description =
          "the bundle directory as the job's task managers reach it (e.g. s3://models/); the"
              + " update names prefix + file name. Default: the file's absolute path")
  String uriPrefix;

  @Option(
      names = "--from",
      paramLabel = "WHERE",
      description =
          "where a retrainer without committed offsets starts on the results topic: earliest or"
              + " latest. Default: ${DEFAULT-VALUE}",
      defaultValue = "latest")
  String from;

  @Option(
      names = "--max-retrains",
      paramLabel = "N",
      description = "stop after publishing N versions; 0 = run until stopped. Default: 0")
  int maxRetrains;

  @Mixin RetrainOptions retrainOptions;

  @Unmatched List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    io.streamae.retrain.RetrainSettings settings = retrainOptions.settings();
    List<String> names = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      names.addAll(List.of(o.names()));
    }
    Configuration conf = ConfigLoader.load(config, overrides, names);
    JobConfig job = JobConfig.from(conf);
    List<Path> paths = new ArrayList<>(models);
    if (paths.isEmpty()) {
      if (job.modelPath() == null || job.modelPath().isBlank()) {
        throw new IllegalArgumentException("no model: give --model or model.path");
      }
      paths.add(Paths.get(job.modelPath()));
    }
    List<ModelBundle> bundles = new ArrayList<>();
    for (Path p : paths) {
      bundles.add(ModelBundle.read(p));
    }
    Path dir =
        bundleDir != null
            ? bundleDir
            : paths.get(0).toAbsolutePath().getParent().resolve("retrained");
    ModelPublisher publisher;
    if (watch) {
      if (paths.size() != 1) {
        throw new IllegalArgumentException("--watch replaces one model file: give one --model");
      }
      publisher = new WatchedFilePublisher(paths.get(0), dir);
    } else {
      String topic = job.models().updatesTopic();
      if (topic == null) {
        throw new IllegalArgumentException(
            "no model-updates topic: set model.updates-topic (or use --watch for a watched"
                + " model.path)");
      }
      if (job.kafka().bootstrapServers() == null) {
        throw new IllegalArgumentException("no Kafka brokers: set kafka.bootstrap-servers");
      }
      Properties props = new Properties();
      props.putAll(job.kafka().properties());
      props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, job.kafka().bootstrapServers());
      publisher = new KafkaModelPublisher(props, topic, dir, uriPrefix);
    }
    CountDownLatch done = new CountDownLatch(1);
    try (publisher) {
      Retrainer retrainer = new Retrainer(bundles, settings, publisher, System.out::println);
      System.out.printf(
          "retraining %s from %s; new versions go to %s%n",
          bundles.stream().map(ModelBundle::versionLabel).toList(),
          results != null ? results.toString() : "topic " + job.kafka().outputTopic(),
          publisher.describe());
      if (results != null) {
        try (JsonLinesTail tail =
            new JsonLinesTail(
                results,
                line -> {
                  retrainer.accept(line.getBytes(StandardCharsets.UTF_8));
                  if (enough(retrainer)) {
                    done.countDown();
                  }
                },
                () -> {},
                Duration.ofMillis(200))) {
          done.await();
        }
      } else {
        try (ResultsTopicFeed feed = new ResultsTopicFeed(job.kafka(), from)) {
          Thread hook = new Thread(feed::wakeup);
          Runtime.getRuntime().addShutdownHook(hook);
          feed.run(retrainer, () -> !enough(retrainer));
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException shuttingDown) {
            // the hook is running
          }
        }
      }
      retrainer.summary().forEach(System.out::println);
    }
    return StreamAeMain.EXIT_OK;
  }

  private boolean enough(Retrainer retrainer) {
    return maxRetrains > 0 && retrainer.events().size() >= maxRetrains;
  }
}
