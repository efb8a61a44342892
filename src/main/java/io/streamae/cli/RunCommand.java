package io.streamae.cli;

import io.streamae.dashboard.Dashboard;
import io.streamae.job.ConfigLoader;
import io.streamae.job.JobConfig;
import io.streamae.job.LocalRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.configuration.CheckpointingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code run}: the scoring job in a local Flink environment. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the scoring job locally on a built-in source and prints what it found.",
      "Any option of the job is given as --key value (e.g. --window.slide 4) or in a YAML job file;",
      "short forms: --source generator|nab|file, --model PATH, --window-size N, --window-slide N,",
      "--output PATH, --parallelism N. See the README's configuration table.",
      "--dashboard serves a live page of the results while the job runs (see the dashboard command)."
    })
final class RunCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML job file, e.g. jobs/scoring/job.yaml")
  Path config;

  @Option(names = "--retrain", description = "train the demo model on the source's normal prefix instead of using the pre-trained one")
  boolean retrain;

  @Option(names = "--dashboard", description = "serve the live dashboard (http://localhost:8088) while the job runs, and after it until Ctrl-C")
  boolean dashboard;

  @Option(names = "--dashboard.rate", defaultValue = "100",
      description = "with --dashboard: generator readings per second, so faults are seen as they begin (default ${DEFAULT-VALUE}; 0 = as fast as possible)")
  double rate;

  @Mixin DashboardOptions dashboardOptions;

  @Unmatched List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Configuration conf = ConfigLoader.load(config, overrides);
    JobConfig jobConfig = JobConfig.from(conf);
    if (!dashboard) {
      new LocalRun(jobConfig, conf, System.out, retrain).run();
      return 0;
    }
    if (rate < 0) {
      throw new IllegalArgumentException(String.format("--dashboard.rate (%s) must be >= 0", rate));
    }
    // The file sink flushes on checkpoints: checkpoint often so the page sees results at once.
    if (!conf.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
    }
    // Start the page on this run's results, not the previous run's.
    Path results = Paths.get(jobConfig.outputPath());
    Path deadLetters = Paths.get(jobConfig.deadLetterPath());
    Files.deleteIfExists(results);
    Files.deleteIfExists(deadLetters);
    Dashboard d = Dashboard.onFiles(dashboardOptions.settings(), results, deadLetters, jobConfig.scoring());
    System.out.printf(Locale.ROOT, "dashboard: %s%n", d.url());
    new LocalRun(jobConfig, conf, System.out, retrain, rate).run();
    System.out.printf(Locale.ROOT, "%nthe job has finished; the dashboard keeps serving at %s (Ctrl-C to stop)%n", d.url());
    DashboardCommand.serveUntilStopped(d);
    return 0;
  }
}
