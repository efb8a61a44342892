package io.streamae.cli;

import io.streamae.retrain.RetrainSettings;
import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Option;

/** The retraining settings as command-line options, shared by {@code retrain} and {@code run}. */
final class RetrainOptions {
  private static final RetrainSettings DEFAULTS = RetrainSettings.builder().build();

  @Option(
      names = "--retrain.sample-windows",
      paramLabel = "N",
      description = "Most windows judged normal kept per model to train on. Default: 4096.")
  int sampleWindows = DEFAULTS.sampleWindows();

  @Option(
      names = "--retrain.sample-stride",
      paramLabel = "N",
      description = "Keep every N-th normal window of a sensor. Default: 2.")
  int sampleStride = DEFAULTS.sampleStride();

  @Option(
      names = "--retrain.recent-windows",
      paramLabel = "N",
      description =
          "Recent errors per sensor whose median the drift detector judges. Default: 100.")
  int recentWindows = DEFAULTS.recentWindows();

  @Option(
      names = "--retrain.drift-factor",
      paramLabel = "X",
      description =
          "A sensor drifted when its recent median error exceeds X times the model's median"
              + " validation error. Default: 3.")
  double driftFactor = DEFAULTS.driftFactor();

  @Option(
      names = "--retrain.drift-share",
      paramLabel = "S",
      description = "A model drifts when this share of its sensors drifted. Default: 0.25.")
  double driftShare = DEFAULTS.driftShare();

  @Option(
      names = "--retrain.min-windows",
      paramLabel = "N",
      description = "Fewest windows in the sample to train on. Default: 512.")
  int minWindows = DEFAULTS.minWindows();

  @Option(
      names = "--retrain.min-drift-windows",
      paramLabel = "N",
      description =
          "After a drift, wait for N normal windows of the drifted sensors in the sample before"
              + " training. Default: 200.")
  int minDriftWindows = DEFAULTS.minDriftWindows();

  @Option(
      names = "--retrain.check-every",
      paramLabel = "N",
      description = "Results of a model between two looks at drift and schedule. Default: 200.")
  int checkEvery = DEFAULTS.checkEvery();

  @Option(
      names = "--retrain.every",
      paramLabel = "DURATION",
      description = "Also retrain on this schedule, drift or not (e.g. \"1 d\"). Default: never.")
  String every;

  @Option(
      names = "--retrain.min-interval",
      paramLabel = "DURATION",
      description =
          "No retrain of a model sooner than this after its last one. Default: \"10 min\".")
  String minInterval = "10 min";

  @Option(
      names = "--retrain.epochs",
      paramLabel = "N",
      description = "Epochs of fine-tuning. Default: 5.")
  int epochs = DEFAULTS.epochs();

  @Option(
      names = "--retrain.learning-rate",
      paramLabel = "LR",
      description = "Adam's learning rate for fine-tuning. Default: 0.001.")
  double learningRate = DEFAULTS.learningRate();

  @Option(
      names = "--retrain.cpu-share",
      paramLabel = "S",
      description = "Share of one core training may use, in (0, 1]. Default: 0.5.")
  double cpuShare = DEFAULTS.cpuShare();

  @Option(
      names = "--retrain.seed",
      paramLabel = "N",
      description = "Seed of the fine-tuning runs. Default: 42.")
  long seed = DEFAULTS.seed();

  RetrainSettings settings() {
    Duration schedule = every == null || every.isBlank() ? null : TimeUtils.parseDuration(every);
    return RetrainSettings.builder()
        .sampleWindows(sampleWindows)
        .sampleStride(sampleStride)
        .recentWindows(recentWindows)
        .driftFactor(driftFactor)
        .driftShare(driftShare)
        .minWindows(minWindows)
        .minDriftWindows(minDriftWindows)
        .checkEvery(checkEvery)
        .every(schedule)
        .minInterval(TimeUtils.parseDuration(minInterval))
        .epochs(epochs)
        .learningRate(learningRate)
        .cpuShare(cpuShare)
        .seed(seed)
        .build();
  }
}
