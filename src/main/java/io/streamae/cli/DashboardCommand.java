package io.streamae.cli;

import io.streamae.dashboard.Dashboard;
import io.streamae.dashboard.KafkaResultsFollower;
import io.streamae.job.ConfigLoader;
import io.streamae.job.JobConfig;
import io.streamae.job.JobOptions;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code dashboard}: a live web page of the job's results, following Kafka or a results file. */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {
      "Serves a live monitoring page of the job's results on http://localhost:8088 until Ctrl-C.",
      "With --kafka.bootstrap-servers it follows the results and dead-letter topics (kafka.output-topic,",
      "kafka.dead-letter-topic; consumer group <kafka.group-id>-dashboard, read_committed);",
      "otherwise it follows the local run's files (output.path, output.dead-letter-path) as they are written.",
      "Job options (--config jobs/scoring/job.yaml, --key value) name the topics and the alarm level."
    })
final class DashboardCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML job file, e.g. jobs/scoring/job.yaml")
  Path config;

  @Option(
      names = "--results",
      description = "results JSON-lines file to follow (default: output.path)")
  Path results;

  @Option(
      names = "--dead-letters",
      description = "dead-letter JSON-lines file to follow (default: output.dead-letter-path)")
  Path deadLetters;

  @Option(
      names = "--from",
      defaultValue = "committed",
      description =
          "Kafka: where to start, committed (the group's offsets; earliest where none), earliest or latest (default ${DEFAULT-VALUE})")
  String from;

  @Mixin DashboardOptions dashboard;

  @Unmatched List<String> overrides = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // the command's own options are offered as corrections of a misspelt one too
    List<String> names = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      names.addAll(List.of(o.names()));
    }
    Configuration conf = ConfigLoader.load(config, overrides, names);
    JobConfig job = JobConfig.from(conf);
    Dashboard d;
    if (conf.getOptional(JobOptions.KAFKA_BOOTSTRAP_SERVERS).isPresent()) {
      KafkaResultsFollower.From start;
      try {
        start = KafkaResultsFollower.From.valueOf(from.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            String.format("--from (%s) must be committed, earliest or latest", from));
      }
      d = Dashboard.onKafka(dashboard.settings(), job.kafka(), start, job.scoring());
    } else {
      Path r = results != null ? results : Paths.get(job.outputPath());
      Path dl = deadLetters != null ? deadLetters : Paths.get(job.deadLetterPath());
      d = Dashboard.onFiles(dashboard.settings(), r, dl, job.scoring());
    }
    System.out.printf(Locale.ROOT, "dashboard: %s (Ctrl-C to stop)%n", d.url());
    serveUntilStopped(d);
    return 0;
  }

  /** Blocks until the JVM is asked to stop (Ctrl-C), then closes the dashboard. */
  static void serveUntilStopped(Dashboard d) throws InterruptedException {
    Thread main = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  d.close();
                  main.interrupt();
                },
                "dashboard-stop"));
    try {
      Thread.currentThread().join();
    } catch (InterruptedException stopping) {
      // Ctrl-C: the shutdown hook closed the dashboard.
    }
  }
}
