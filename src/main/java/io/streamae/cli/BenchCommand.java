package io.streamae.cli;

import io.streamae.bench.ModelBenchmark;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.ForwardPath;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: model throughput, one line per point. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures model throughput: forward-pass and training windows/s.",
      "",
      "Forward passes for configs A (T=9 F=1 H=100 P=8) and B (T=32 F=8 H=64 P=1)"
          + " at batch 1, 32 and 256 with 1 and 2 threads, and training windows/s (config B, batch 64).",
      "Each inference line also gives windows per CPU-second of the scoring threads and the load",
      "average; with ONNX among the paths a ratio line compares each Java path with ONNX Runtime.",
      "Run with OMP_NUM_THREADS=1 on a small machine.",
      ""
    })
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--seconds",
      defaultValue = "3",
      description = "measuring time per point (default ${DEFAULT-VALUE})")
  double seconds;

  @Option(
      names = "--configs",
      defaultValue = "A,B",
      split = ",",
      description = "model configs to measure, A and/or B (default ${DEFAULT-VALUE})")
  List<String> configs;

  @Option(
      names = "--batches",
      defaultValue = "1,32,256",
      split = ",",
      description = "windows per forward pass to measure (default ${DEFAULT-VALUE})")
  List<Integer> batches;

  @Option(
      names = "--threads",
      defaultValue = "1,2",
      split = ",",
      description = "scoring threads to measure (default ${DEFAULT-VALUE})")
  List<Integer> threads;

  /** A forward path of the model, or ONNX Runtime running the same network. */
  enum Path {
    AUTO,
    REFERENCE,
    SEQUENTIAL,
    LANEWISE,
    VECTOR,
    ND4J,
    ONNX,
    ONNX_SESSIONS
  }

  @Option(
      names = "--paths",
      defaultValue = "AUTO,ONNX",
      split = ",",
      description =
          "forward paths to compare: ${COMPLETION-CANDIDATES}; ONNX is the same network on ONNX Runtime, one session with --threads intra-op threads; ONNX_SESSIONS one single-threaded session per scoring thread (default ${DEFAULT-VALUE})")
  List<Path> paths;

  @Option(
      names = "--no-training",
      description = "skip the training measurement (default: measure it)")
  boolean noTraining;

  @Option(
      names = "--e2e",
      description =
          "instead: the whole job end to end (in-memory source → job → discarding sink), config B, slide 1")
  boolean e2e;

  @Option(
      names = "--e2e-readings",
      defaultValue = "200000",
      description = "readings for --e2e (default ${DEFAULT-VALUE})")
  long e2eReadings;

  @Option(
      names = "--e2e-rate",
      defaultValue = "0",
      split = ",",
      description =
          "readings/s for --e2e, 0 = as fast as possible; several values run several points (default ${DEFAULT-VALUE})")
  List<Double> e2eRates;

  @Option(
      names = "--e2e-warmup",
      defaultValue = "100000",
      description =
          "readings of an unreported run first, as fast as possible, so the JIT has compiled the job before a point is measured (default ${DEFAULT-VALUE})")
  long e2eWarmup;

  @Option(
      names = "--e2e-batch",
      defaultValue = "256",
      split = ",",
      description =
          "model.batch-size for --e2e; 1 = no batching; several values run several points (default ${DEFAULT-VALUE})")
  List<Integer> e2eBatches;

  @Option(
      names = "--e2e-retrain-share",
      split = ",",
      paramLabel = "S",
      description =
          "for --e2e: also fine-tune the model in one thread paced to S of a core, as continual"
              + " retraining does, while the pipeline runs; 0 = no retraining; several values run"
              + " several points (default ${DEFAULT-VALUE})",
      defaultValue = "0")
  List<Double> e2eRetrainShares;

  @Option(
      names = "--memory",
      description =
          "instead: keyed state per sensor on the job (heap backend), config B, at each --memory-sensors count")
  boolean memory;

  @Option(
      names = "--memory-sensors",
      defaultValue = "10000,100000",
      split = ",",
      description =
          "sensor counts for --memory; the per-sensor line compares the first and the last (default ${DEFAULT-VALUE})")
  List<Integer> memorySensors;

  @Override
  public Integer call() throws Exception {
    if (memory) {
      java.nio.file.Path work = java.nio.file.Files.createTempDirectory("bench-memory");
      try {
        java.nio.file.Path model =
            io.streamae.bench.PipelineBenchmark.configBBundle(work.resolve("bench-B.sae"));
        List<io.streamae.bench.MemoryBenchmark.Point> points = new java.util.ArrayList<>();
        for (int sensors : memorySensors) {
          points.add(io.streamae.bench.MemoryBenchmark.run(model, sensors, work));
          System.out.println(points.get(points.size() - 1).line());
        }
        if (points.size() > 1) {
          System.out.println(
              io.streamae.bench.MemoryBenchmark.perSensor(
                  points.get(0), points.get(points.size() - 1)));
        }
      } finally {
        io.streamae.bench.MemoryBenchmark.delete(work);
      }
      return 0;
    }
    if (e2e) {
      java.nio.file.Path model = java.nio.file.Files.createTempFile("bench-B", ".sae");
      io.streamae.bench.PipelineBenchmark.configBBundle(model);
      if (e2eWarmup > 0) {
        var warm =
            io.streamae.bench.PipelineBenchmark.run(model, 100, e2eWarmup, 0, 2, e2eBatches.get(0));
        System.out.println("# warm-up, not a measurement: " + warm.line("memory"));
      }
      for (double share : e2eRetrainShares) {
        io.streamae.bench.RetrainLoad load =
            share > 0
                ? new io.streamae.bench.RetrainLoad(
                    io.streamae.model.io.ModelBundle.read(model), 2048, 5, share)
                : null;
        for (double rate : e2eRates) {
          for (int batch : e2eBatches) {
            var result =
                io.streamae.bench.PipelineBenchmark.run(model, 100, e2eReadings, rate, 2, batch);
            String pipeline =
                rate > 0
                    ? String.format(java.util.Locale.ROOT, "memory-rate-%.0f", rate)
                    : "memory";
            if (share > 0) {
              pipeline += String.format(java.util.Locale.ROOT, "+retrain-%.2f", share);
            }
            System.out.println(result.line(pipeline));
          }
        }
        if (load != null) {
          System.out.println(load.line(share));
          load.close();
        }
      }
      java.nio.file.Files.deleteIfExists(model);
      return 0;
    }
    System.out.printf(
        "# %s, %d cores, %s%n",
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"));
    for (String name : configs) {
      ModelBenchmark.Config config =
          name.equalsIgnoreCase("A") ? ModelBenchmark.A : ModelBenchmark.B;
      AutoencoderNetwork network = ModelBenchmark.randomNetwork(config.spec(), 7);
      for (int batch : batches) {
        for (int t : threads) {
          List<ModelBenchmark.Point> points = new java.util.ArrayList<>();
          for (Path path : paths) {
            ModelBenchmark.Point point =
                path == Path.ONNX
                    ? ModelBenchmark.onnx(network, config.name(), batch, t, seconds)
                    : path == Path.ONNX_SESSIONS
                        ? ModelBenchmark.onnxPerThread(network, config.name(), batch, t, seconds)
                        : ModelBenchmark.inference(
                            network,
                            config.name(),
                            batch,
                            t,
                            seconds,
                            ForwardPath.valueOf(path.name()));
            points.add(point);
            System.out.println(point.line());
          }
          ModelBenchmark.ratio(points).ifPresent(System.out::println);
        }
      }
    }
    if (!noTraining) {
      System.out.println(ModelBenchmark.training(ModelBenchmark.B, 64, 2048, 3).line());
    }
    return 0;
  }
}
