package io.streamae.cli;

import io.streamae.bench.ModelBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: model throughput, one line per point. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures forward-pass windows/s for configs A (T=9 F=1 H=100 P=8) and B (T=32 F=8 H=64 P=1)",
      "at batch 1, 32 and 256 with 1 and 2 threads, and training windows/s (config B, batch 64)."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--seconds", defaultValue = "3", description = "measuring time per point (default ${DEFAULT-VALUE})")
  double seconds;

  @Option(names = "--configs", defaultValue = "A,B", split = ",", description = "(default ${DEFAULT-VALUE})")
  List<String> configs;

  @Option(names = "--batches", defaultValue = "1,32,256", split = ",", description = "(default ${DEFAULT-VALUE})")
  List<Integer> batches;

  @Option(names = "--threads", defaultValue = "1,2", split = ",", description = "(default ${DEFAULT-VALUE})")
  List<Integer> threads;

  @Option(names = "--no-training", description = "skip the training measurement")
  boolean noTraining;

  @Override
  public Integer call() throws Exception {
    System.out.printf("# %s, %d cores, %s%n", System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
    for (String name : configs) {
      ModelBenchmark.Config config = name.equalsIgnoreCase("A") ? ModelBenchmark.A : ModelBenchmark.B;
      for (int batch : batches) {
        for (int t : threads) {
          System.out.println(ModelBenchmark.inference(config, batch, t, seconds).line());
        }
      }
    }
    if (!noTraining) {
      System.out.println(ModelBenchmark.training(ModelBenchmark.B, 64, 2048, 3).line());
    }
    return 0;
  }
}
