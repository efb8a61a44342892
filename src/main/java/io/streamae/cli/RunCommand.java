package io.streamae.cli;

import io.streamae.dashboard.Dashboard;
import io.streamae.job.ConfigLoader;
import io.streamae.job.JobConfig;
import io.streamae.job.JobOptions;
import io.streamae.local.LocalRun;
import io.streamae.model.io.UnusableInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code run}: the scoring job in a local Flink environment. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Runs the scoring job locally and prints what it found.",
      "",
      "The source is built in (synthetic machines, the bundled NAB series) or a local history file.",
      "",
      "Results and dead letters are written as JSON lines; the summary counts windows, alarms"
          + " inside and outside the source's known faults, and dead letters by reason.",
      "--dashboard serves a live page of the results while the job runs, and after it until"
          + " Ctrl-C (see the dashboard command).",
      "Exit code 0: done; 1: nothing could be scored (empty input, shorter than a window, every"
          + " reading a dead letter); 2: a mistake in the command line or its files.",
      ""
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML job file (nested or dotted keys), e.g. jobs/scoring/job.yaml; options on"
              + " the command line override it. Default: none.")
  Path config;

  @Option(
      names = "--source",
      paramLabel = "KIND",
      description =
          "source.kind: generator (synthetic machines with known faults), nab (the"
              + " bundled NAB series) or file (--source.path, CSV or JSON lines). Default: generator.")
  String source;

  @Option(
      names = "--model",
      paramLabel = "PATH",
      description = "model.path: the model bundle. Default: the source's pre-trained demo model.")
  String model;

  @Option(
      names = "--window-size",
      paramLabel = "N",
      description =
          "window.size: readings per window; must equal the model's timesteps."
              + " Default: the model's.")
  Integer windowSize;

  @Option(
      names = "--window-slide",
      paramLabel = "N",
      description = "window.slide: a new window every N readings of a sensor. Default: 1.")
  Integer windowSlide;

  @Option(
      names = "--output",
      paramLabel = "PATH",
      description =
          "output.path: results as JSON lines; dead letters go to dead-letters.jsonl"
              + " beside it unless output.dead-letter-path is set."
              + " Default: target/streamae-run/results.jsonl.")
  String output;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "parallelism.default of the local job. Default: 2.")
  Integer parallelism;

  @Option(
      names = "--retrain",
      description =
          "Train the demo model on the source's normal prefix instead of using the"
              + " pre-trained one.")
  boolean retrain;

  @Option(
      names = "--dashboard",
      description =
          "Serve the live dashboard (http://localhost:8088) while the job runs, and"
              + " after it until Ctrl-C. Default: off.")
  boolean dashboard;

  @Option(
      names = "--dashboard.rate",
      defaultValue = "100",
      description =
          "With --dashboard or --continual-retrain: readings per second of the generator or"
              + " file source, so faults are seen (and retraining happens) as they begin; 0 = as"
              + " fast as possible. Default: ${DEFAULT-VALUE}.")
  double rate;

  @Mixin DashboardOptions dashboardOptions;

  @Option(
      names = "--continual-retrain",
      description =
          "Run the retrainer beside the job: it follows the results, fine-tunes a new model"
              + " version when the model drifts and replaces the watched model with it"
              + " (model.watch-interval defaults to 1 s); --retrain.* tune it. Default: off.")
  boolean continualRetrain;

  @Mixin RetrainOptions retrainOptions;

  @Unmatched List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>();
    add(args, "source", source);
    add(args, "model", model);
    add(args, "window-size", windowSize);
    add(args, "window-slide", windowSlide);
    add(args, "output", output);
    add(args, "parallelism", parallelism);
    args.addAll(overrides);
    List<String> names = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      names.addAll(List.of(o.names()));
    }
    Configuration conf = ConfigLoader.load(config, args, names);
    if (output != null && !conf.contains(JobOptions.DEAD_LETTER_PATH)) {
      Path parent = Paths.get(output).toAbsolutePath().getParent();
      conf.set(JobOptions.DEAD_LETTER_PATH, parent.resolve("dead-letters.jsonl").toString());
    }
    if (rate < 0) {
      throw new IllegalArgumentException(String.format("--dashboard.rate (%s) must be >= 0", rate));
    }
    Dashboard page = null;
    if (continualRetrain) {
      if (!conf.contains(JobOptions.MODEL_WATCH_INTERVAL)) {
        conf.set(JobOptions.MODEL_WATCH_INTERVAL, Duration.ofSeconds(1));
      }
      // The results file is flushed on checkpoints: checkpoint often so the retrainer keeps up.
      if (!conf.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
      }
    }
    if (dashboard) {
      // The file sink flushes on checkpoints: checkpoint often so the page sees results at once.
      if (!conf.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
      }
    }
    JobConfig jobConfig = JobConfig.from(conf);
    if (dashboard) {
      // Start the page on this run's results, not the previous run's.
      Path results = Paths.get(jobConfig.outputPath());
      Path deadLetters = Paths.get(jobConfig.deadLetterPath());
      Files.deleteIfExists(results);
      Files.deleteIfExists(deadLetters);
      page =
          Dashboard.onFiles(dashboardOptions.settings(), results, deadLetters, jobConfig.scoring());
      System.out.printf(Locale.ROOT, "dashboard: %s%n", page.url());
    }
    boolean terminal = System.console() != null;
    ProgressBar training = new ProgressBar(System.err, terminal);
    LocalRun run =
        new LocalRun(
            jobConfig,
            conf,
            System.out,
            retrain,
            System.err,
            terminal,
            training,
            dashboard || continualRetrain ? rate : 0);
    if (continualRetrain) {
      run.continualRetrain(retrainOptions.settings());
    }
    LocalRun.Result result = run.run();
    if (page != null) {
      System.out.printf(
          Locale.ROOT,
          "%nthe job has finished; the dashboard keeps serving at %s (Ctrl-C to stop)%n",
          page.url());
      DashboardCommand.serveUntilStopped(page);
    }
    if (result.windows() == 0) {
      if (result.readings() > 0 && result.deadLetters() >= result.readings()) {
        throw new UnusableInputException(
            String.format(
                Locale.ROOT,
                "no window scored: all %,d readings became dead letters %s (see %s)",
                result.readings(),
                result.deadLetterReasons(),
                jobConfig.deadLetterPath()));
      }
      throw new UnusableInputException(
          String.format(
              Locale.ROOT,
              "no window scored from %,d readings (%,d dead letters %s): no sensor had a whole window"
                  + " of usable readings",
              result.readings(),
              result.deadLetters(),
              result.deadLetterReasons()));
    }
    return 0;
  }

  private static void add(List<String> args, String alias, Object value) {
    if (value != null) {
      args.add("--" + alias);
      args.add(String.valueOf(value));
    }
  }
}
