package io.streamae.cli;

import io.streamae.job.ConfigLoader;
import io.streamae.job.JobConfig;
import io.streamae.job.LocalRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
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
      "--output PATH, --parallelism N. See the README's configuration table."
    })
final class RunCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML job file, e.g. jobs/scoring/job.yaml")
  Path config;

  @Option(names = "--retrain", description = "train the demo model on the source's normal prefix instead of using the pre-trained one")
  boolean retrain;

  @Unmatched List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Configuration conf = ConfigLoader.load(config, overrides);
    JobConfig jobConfig = JobConfig.from(conf);
    new LocalRun(jobConfig, conf, System.out, retrain).run();
    return 0;
  }
}
