package io.streamae.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.dashboard.JsonLinesTail;
import io.streamae.evaluation.NabLabels;
import io.streamae.ingest.RawReading;
import io.streamae.job.AnomalyDetectionJob;
import io.streamae.job.JobConfig;
import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.io.HistoryData;
import io.streamae.model.io.HistoryReader;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.io.UnusableInputException;
import io.streamae.model.training.TrainingListener;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingRunner;
import io.streamae.retrain.RetrainSettings;
import io.streamae.retrain.Retrainer;
import io.streamae.retrain.WatchedFilePublisher;
import io.streamae.scoring.ModelLoader;
import io.streamae.sink.JsonLinesFileSink;
import io.streamae.sink.RecordJson;
import io.streamae.source.GeneratedReadings;
import io.streamae.source.NabSample;
import io.streamae.source.SyntheticSensors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded default: runs the scoring job in a local Flink environment on a built-in source
 * (synthetic machines with injected faults, the bundled NAB machine-temperature series, or a
 * JSON-lines file), trains a model on the source's normal prefix when none is given, writes results
 * and dead letters as JSON lines and prints a summary of what was found.
 */
public final class LocalRun {
  private final JobConfig config;
  private final Configuration flinkConfig;
  private final PrintStream out;

  private final boolean retrain;
  private final PrintStream err;
  private final boolean showProgress;
  private final TrainingListener trainingProgress;
  private final double readingsPerSecond;
  private RetrainSettings continualRetrain;

  /**
   * @param retrain train the demo model on the source's normal prefix even when a bundled one fits
   */
  public LocalRun(JobConfig config, Configuration flinkConfig, PrintStream out, boolean retrain) {
    this(config, flinkConfig, out, retrain, System.err, false, TrainingListener.NONE, 0);
  }

  /**
   * @param err where progress goes while the job runs
   * @param showProgress draw progress on {@code err} (a terminal)
   * @param trainingProgress told of each epoch (and step) when the demo model is trained here
   */
  public LocalRun(
      JobConfig config,
      Configuration flinkConfig,
      PrintStream out,
      boolean retrain,
      PrintStream err,
      boolean showProgress,
      TrainingListener trainingProgress) {
    this(config, flinkConfig, out, retrain, err, showProgress, trainingProgress, 0);
  }

  /**
   * A run whose generator source is paced at {@code readingsPerSecond} (0 = as fast as possible).
   */
  public LocalRun(
      JobConfig config,
      Configuration flinkConfig,
      PrintStream out,
      boolean retrain,
      double readingsPerSecond) {
    this(
        config,
        flinkConfig,
        out,
        retrain,
        System.err,
        false,
        TrainingListener.NONE,
        readingsPerSecond);
  }

  /**
   * @param readingsPerSecond pace of the generator source (for a live dashboard); 0 = as fast as
   *     possible. Other sources are not paced.
   */
  public LocalRun(
      JobConfig config,
      Configuration flinkConfig,
      PrintStream out,
      boolean retrain,
      PrintStream err,
      boolean showProgress,
      TrainingListener trainingProgress,
      double readingsPerSecond) {
    this.config = config;
    this.flinkConfig = flinkConfig;
    this.out = out;
    this.retrain = retrain;
    this.err = err;
    this.showProgress = showProgress;
    this.trainingProgress = trainingProgress;
    this.readingsPerSecond = readingsPerSecond;
  }

  /**
   * Runs the retrainer beside the job ({@code run --continual-retrain}): it follows the results
   * file, and publishes new versions over a working copy of the model that the job watches ({@code
   * model.watch-interval} must be set). The job is stopped once every reading has a result or a
   * dead letter (a watched job never ends by itself).
   */
  public LocalRun continualRetrain(RetrainSettings settings) {
    this.continualRetrain = settings;
    return this;
  }

  /** Resource of the pre-trained demo model of a source, made by {@code run --retrain}. */
  static String bundledModel(String source) {
    return "/models/" + source + "-demo.sae";
  }

  /**
   * What the run did, for the summary and for tests.
   *
   * @param anomaliesInKnownFaults anomalous windows that end inside a known fault of the source (0
   *     when the source knows none)
   * @param steadyReadingsPerSecond readings/s from the first result to the end (start-up excluded);
   *     NaN when the run was too short to tell
   */
  public record Result(
      String modelPath,
      long readings,
      long windows,
      long anomalies,
      long anomaliesInKnownFaults,
      long deadLetters,
      Map<String, Integer> deadLetterReasons,
      double seconds,
      double steadyReadingsPerSecond,
      Map<String, long[]> perSensor,
      List<String> knownFailures) {}

  public Result run() throws Exception {
    for (String output : List.of(config.outputPath(), config.deadLetterPath())) {
      Path file = Paths.get(output).toAbsolutePath();
      if (Files.isDirectory(file)) {
        throw new IllegalArgumentException(
            String.format("output file %s is a directory, not a file", output));
      }
      Files.createDirectories(file.getParent());
    }
    Path outDir = Paths.get(config.outputPath()).toAbsolutePath().getParent();
    String modelPath = config.modelPath();
    if (modelPath == null || modelPath.isBlank()) {
      Path model = outDir.resolve(config.source() + "-model.sae");
      if (retrain || !Files.exists(model)) {
        if (retrain || !extractBundledModel(model)) {
          trainDemoModel(model);
        }
      } else {
        out.printf(Locale.ROOT, "using model %s (run --retrain to train it afresh)%n", model);
      }
      modelPath = model.toString();
    }
    if (continualRetrain != null) {
      if (config.models().watchInterval() == null) {
        throw new IllegalArgumentException(
            "continual retraining publishes over the watched model: set model.watch-interval");
      }
      if (config.windowSlide() != 1) {
        throw new IllegalArgumentException(
            String.format(
                "continual retraining rebuilds windows from consecutive results: window.slide"
                    + " must be 1, was %s",
                config.windowSlide()));
      }
      // A working copy: new versions replace it, never the model the run was started with.
      Path working = outDir.resolve("continual").resolve("model.sae");
      Files.createDirectories(working.getParent());
      Files.copy(Paths.get(modelPath), working, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      modelPath = working.toString();
    }
    JobConfig effective = config.withModelPath(modelPath);
    ModelBundle bundle = ModelLoader.load(modelPath);

    Configuration conf = new Configuration(flinkConfig);
    setIfMissing(conf, CoreOptions.DEFAULT_PARALLELISM, 2);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    setIfMissing(
        conf, CheckpointingOptions.CHECKPOINTING_INTERVAL, java.time.Duration.ofSeconds(10));
    setIfMissing(conf, RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    setIfMissing(conf, RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);

    Source source = source(env, bundle.layout().featureNames(), bundle.layout().timesteps());
    AnomalyDetectionJob job = new AnomalyDetectionJob(effective, bundle.layout());
    AnomalyDetectionJob.Outputs outputs = job.build(source.stream());
    outputs
        .results()
        .sinkTo(new JsonLinesFileSink<>(config.outputPath(), RecordJson::result))
        .name(AnomalyDetectionJob.RESULTS_SINK)
        .uid(AnomalyDetectionJob.RESULTS_SINK)
        .setParallelism(1);
    outputs
        .deadLetters()
        .sinkTo(new JsonLinesFileSink<>(config.deadLetterPath(), RecordJson::deadLetter))
        .name(AnomalyDetectionJob.DEAD_LETTER_SINK)
        .uid(AnomalyDetectionJob.DEAD_LETTER_SINK)
        .setParallelism(1);

    out.printf(
        Locale.ROOT,
        "running the scoring job locally: %s, model %s, windows of %d readings, slide %d%n",
        source.description(),
        bundle.versionLabel(),
        bundle.layout().timesteps(),
        config.windowSlide());
    // the sinks truncate these files once the job is running; until then progress must not count
    // the results of an earlier run
    Files.deleteIfExists(Paths.get(config.outputPath()));
    Files.deleteIfExists(Paths.get(config.deadLetterPath()));
    long start = System.nanoTime();
    long expected =
        Math.max(0, source.readings() - (long) source.sensors() * (bundle.layout().timesteps() - 1))
            / config.windowSlide();
    JobExecutionResult result = null;
    double steadyWindows;
    long end;
    ContinualRetraining retraining =
        continualRetrain == null ? null : new ContinualRetraining(bundle, Paths.get(modelPath));
    try (RunProgress progress =
        new RunProgress(Paths.get(config.outputPath()), expected, err, showProgress).start()) {
      if (retraining == null) {
        result = env.execute("streamae-" + config.source());
      } else {
        runUntilEveryReadingIsAccountedFor(env, expected, retraining);
      }
      end = System.nanoTime();
      steadyWindows =
          progress.steadyWindowsPerSecond(countLines(Paths.get(config.outputPath())), end);
    } finally {
      if (retraining != null) {
        retraining.close();
      }
    }
    double seconds = (end - start) / 1e9;
    Result summary =
        summarize(modelPath, source, seconds, steadyWindows * config.windowSlide(), result);
    if (retraining != null) {
      retraining.summarize();
    }
    return summary;
  }

  /** The retrainer beside a local job: follows the results file, replaces the watched model. */
  private final class ContinualRetraining implements AutoCloseable {
    final Retrainer retrainer;
    final JsonLinesTail tail;
    final WatchedFilePublisher publisher;

    ContinualRetraining(ModelBundle bundle, Path watched) {
      publisher = new WatchedFilePublisher(watched, watched.resolveSibling("versions"));
      retrainer =
          new Retrainer(
              List.of(bundle),
              continualRetrain,
              publisher,
              line -> out.printf(Locale.ROOT, "retrain: %s%n", line));
      out.printf(
          Locale.ROOT,
          "continual retraining: following %s, new versions go to %s%n",
          config.outputPath(),
          publisher.describe());
      tail =
          new JsonLinesTail(
              Paths.get(config.outputPath()),
              line -> retrainer.accept(line.getBytes(StandardCharsets.UTF_8)),
              () -> {},
              java.time.Duration.ofMillis(200));
    }

    void summarize() {
      out.printf(
          Locale.ROOT,
          "%ncontinual retraining: %d new version(s) from %,d results%n",
          retrainer.events().size(),
          retrainer.results());
      retrainer.summary().forEach(out::println);
    }

    @Override
    public void close() throws InterruptedException {
      retrainer.stop();
      tail.close();
    }
  }

  /**
   * A job with a watched model never finishes: run it until the results and dead letters account
   * for every reading (or the outputs have not grown for {@link #QUIET_END} while no retrain runs),
   * then cancel it.
   */
  private void runUntilEveryReadingIsAccountedFor(
      StreamExecutionEnvironment env, long expected, ContinualRetraining retraining)
      throws Exception {
    org.apache.flink.core.execution.JobClient client =
        env.executeAsync("streamae-" + config.source());
    long lastCount = -1;
    long quietSince = System.nanoTime();
    while (true) {
      if (client.getJobStatus().get().isGloballyTerminalState()) {
        client.getJobExecutionResult().get();
        return;
      }
      long count =
          countLines(Paths.get(config.outputPath()))
              + countLines(Paths.get(config.deadLetterPath()));
      if (count >= expected) {
        break;
      }
      if (count != lastCount || retraining.retrainer.training()) {
        lastCount = count;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > QUIET_END.toNanos()) {
        break;
      }
      Thread.sleep(250);
    }
    retraining.retrainer.stop();
    client.cancel().get();
  }

  /** How long a continually retrained local run may produce nothing before it is stopped. */
  private static final java.time.Duration QUIET_END = java.time.Duration.ofSeconds(30);

  /** Copies the pre-trained demo model if there is one for this source and it fits the windows. */
  private boolean extractBundledModel(Path model) throws IOException {
    try (java.io.InputStream in =
        LocalRun.class.getResourceAsStream(bundledModel(config.source()))) {
      if (in == null || config.sourcePath() != null) {
        return false;
      }
      byte[] bytes = in.readAllBytes();
      ModelBundle bundle =
          ModelBundle.read(new java.io.ByteArrayInputStream(bytes), bundledModel(config.source()));
      if (config.windowSize() != null && config.windowSize() != bundle.layout().timesteps()) {
        return false;
      }
      Files.createDirectories(model.getParent());
      Files.write(model, bytes);
      out.printf(
          Locale.ROOT,
          "using the pre-trained demo model %s (trained on the source's normal prefix; run --retrain to train it here)%n",
          bundle.versionLabel());
      return true;
    }
  }

  private static <T> void setIfMissing(
      Configuration conf, org.apache.flink.configuration.ConfigOption<T> option, T value) {
    if (!conf.contains(option)) {
      conf.set(option, value);
    }
  }

  private record Source(
      DataStream<RawReading> stream,
      String description,
      long readings,
      int sensors,
      List<Episode> known) {}

  private static List<String> linesOf(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  private static long countLines(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.count();
    }
  }

  /** A known failure to look for in the results. */
  private record Episode(String sensorId, String what, long start, long end) {}

  private Source source(StreamExecutionEnvironment env, List<String> features, int timesteps)
      throws IOException {
    switch (config.source()) {
      case "generator" -> {
        SyntheticSensors sensors = sensors();
        DataStream<RawReading> stream =
            env.fromSource(
                    GeneratedReadings.source(
                        sensors, config.generatorPoisonEvery(), readingsPerSecond),
                    WatermarkStrategy.noWatermarks(),
                    "synthetic-sensors")
                .setParallelism(1)
                .uid("synthetic-sensors");
        List<Episode> known = new ArrayList<>();
        for (SyntheticSensors.Fault f : sensors.faults()) {
          known.add(new Episode(f.sensorId(), f.kind(), f.start(), f.end()));
        }
        return new Source(
            stream,
            String.format(
                Locale.ROOT,
                "%d synthetic machines × %d readings%s",
                sensors.sensors(),
                sensors.readingsPerSensor(),
                readingsPerSecond > 0
                    ? String.format(Locale.ROOT, " at %,.0f readings/s", readingsPerSecond)
                    : ""),
            sensors.total(),
            sensors.sensors(),
            known);
      }
      case "nab" -> {
        NabSample sample =
            config.sourcePath() == null
                ? NabSample.bundled()
                : NabSample.of(Paths.get(config.sourcePath()));
        List<Episode> known = new ArrayList<>();
        if (config.sourcePath() == null) {
          for (NabLabels.Window w : bundledNabWindows()) {
            known.add(
                new Episode(
                    sample.sensorId(), "labelled anomaly window (NAB)", w.startMs(), w.endMs()));
          }
        }
        DataStream<RawReading> stream =
            env.fromData(sample.readings(), TypeInformation.of(RawReading.class)).uid("nab-sample");
        if (sample.rows() < timesteps) {
          throw new UnusableInputException(
              String.format(
                  Locale.ROOT,
                  "NAB series %s has %d readings, fewer than one window of %d: nothing to score",
                  config.sourcePath() == null ? sample.sensorId() : config.sourcePath(),
                  sample.rows(),
                  timesteps));
        }
        return new Source(
            stream,
            "NAB series " + sample.sensorId() + " (" + sample.rows() + " readings)",
            sample.rows(),
            1,
            known);
      }
      case "file" -> {
        Path file = Paths.get(config.sourcePath());
        HistoryData history = new HistoryReader(null, null, features, ',').read(file);
        history.badRowReport(file.toString(), 10).forEach(out::println);
        history.requireWindow(file.toString(), timesteps);
        List<RawReading> readings =
            FileReadings.inEventTimeOrder(history, file.getFileName().toString());
        DataStream<RawReading> stream =
            readingsPerSecond > 0 && continualRetrain != null
                ? paced(env, readings)
                : env.fromData(readings, TypeInformation.of(RawReading.class)).uid("file-readings");
        return new Source(
            stream,
            String.format(
                Locale.ROOT,
                "file %s (%,d readings of %d sensors, in event-time order)",
                file,
                readings.size(),
                history.series().size()),
            readings.size(),
            history.series().size(),
            List.of());
      }
      default ->
          throw new IllegalArgumentException(
              String.format(
                  "source.kind (%s) cannot run locally; use generator, nab or file (Kafka runs through jobs/)",
                  config.source()));
    }
  }

  /** The file's readings at {@code readingsPerSecond}, in the same order, from one subtask. */
  private DataStream<RawReading> paced(StreamExecutionEnvironment env, List<RawReading> readings) {
    ArrayList<byte[]> payloads = new ArrayList<>(readings.size());
    ArrayList<String> origins = new ArrayList<>(readings.size());
    long[] times = new long[readings.size()];
    for (int i = 0; i < readings.size(); i++) {
      payloads.add(readings.get(i).payload());
      origins.add(readings.get(i).source());
      times[i] = readings.get(i).ingestTimestamp();
    }
    org.apache.flink.connector.datagen.source.GeneratorFunction<Long, RawReading> next =
        index -> {
          int i = Math.toIntExact(index);
          return new RawReading(payloads.get(i), origins.get(i), times[i]);
        };
    return env.fromSource(
            new org.apache.flink.connector.datagen.source.DataGeneratorSource<>(
                next,
                readings.size(),
                org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy.perSecond(
                    readingsPerSecond),
                TypeInformation.of(RawReading.class)),
            WatermarkStrategy.noWatermarks(),
            "file-readings")
        .setParallelism(1)
        .uid("file-readings");
  }

  private SyntheticSensors sensors() {
    return new SyntheticSensors(
        config.generatorSensors(),
        config.generatorReadings(),
        config.generatorInterval().toMillis(),
        7);
  }

  /**
   * Trains a model on the source's normal history: the generator's fault-free prefix, or NAB's
   * first week.
   */
  private void trainDemoModel(Path model) throws IOException {
    HistoryData history;
    AutoencoderSpec spec;
    int epochs;
    switch (config.source()) {
      case "generator" -> {
        SyntheticSensors sensors = sensors();
        int rows = sensors.normalPrefix();
        Map<String, HistoryData.Series> series = new LinkedHashMap<>();
        for (int s = 0; s < sensors.sensors(); s++) {
          long[] ts = new long[rows];
          float[] values = new float[rows * 3];
          for (int i = 0; i < rows; i++) {
            ts[i] = sensors.timestamp(i);
            System.arraycopy(sensors.values(s, i), 0, values, i * 3, 3);
          }
          series.put(SyntheticSensors.sensorId(s), new HistoryData.Series(ts, values));
        }
        history =
            new HistoryData(
                SyntheticSensors.FEATURES,
                series,
                (long) rows * sensors.sensors(),
                List.of(),
                0,
                "generated");
        spec =
            AutoencoderSpec.lstm(
                config.windowSize() == null ? 32 : config.windowSize(),
                3,
                1,
                List.of(32),
                CellActivation.TANH,
                ModelMode.COMPOSITE);
        epochs = 6;
      }
      case "nab" -> {
        NabSample sample =
            config.sourcePath() == null
                ? NabSample.bundled()
                : NabSample.of(Paths.get(config.sourcePath()));
        int rows = Math.min(2000, (int) (sample.rows() * 0.15));
        long[] ts = java.util.Arrays.copyOf(sample.timestamps(), rows);
        float[] values = java.util.Arrays.copyOf(sample.values(), rows);
        history =
            new HistoryData(
                NabSample.FEATURES,
                Map.of(sample.sensorId(), new HistoryData.Series(ts, values)),
                rows,
                List.of(),
                0,
                "nab-prefix");
        spec =
            AutoencoderSpec.lstm(
                config.windowSize() == null ? 24 : config.windowSize(),
                1,
                1,
                List.of(32),
                CellActivation.TANH,
                ModelMode.COMPOSITE);
        epochs = 15;
      }
      default ->
          throw new IllegalArgumentException(
              String.format(
                  "model.path must be set for source.kind %s (train one with the train command)",
                  config.source()));
    }
    out.printf(
        Locale.ROOT,
        "no model given: training %s on %,d normal readings (%d epochs) → %s%n",
        spec.kind().name().toLowerCase(Locale.ROOT)
            + " "
            + spec.mode().name().toLowerCase(Locale.ROOT)
            + " autoencoder",
        history.usableRows(),
        epochs,
        model);
    long start = System.nanoTime();
    TrainingOptions options =
        TrainingOptions.builder()
            .epochs(epochs)
            .batchSize(64)
            .seed(42)
            .validationFraction(0.2)
            .listener(trainingProgress)
            .build();
    TrainingRunner.Outcome outcome =
        TrainingRunner.trainAndWrite(
            new TrainingRunner.Request(
                history,
                "built-in " + config.source() + " normal prefix",
                spec,
                options,
                "percentile",
                99.5,
                "demo-" + config.source(),
                "1",
                3),
            model);
    if (trainingProgress instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    out.printf(
        Locale.ROOT,
        "trained in %.1f s, threshold %.4f%n",
        (System.nanoTime() - start) / 1e9,
        outcome.bundle().threshold());
  }

  private Result summarize(
      String modelPath, Source source, double seconds, double steadyRate, JobExecutionResult result)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, long[]> perSensor = new TreeMap<>(); // windows, anomalies, first anomaly ts
    Map<String, List<Long>> anomalyTimes = new LinkedHashMap<>();
    long windows = 0;
    long anomalies = 0;
    for (String line : linesOf(Paths.get(config.outputPath()))) {
      JsonNode r = json.readTree(line);
      String sensor = r.get("sensorId").asText();
      long[] s = perSensor.computeIfAbsent(sensor, k -> new long[] {0, 0, Long.MAX_VALUE});
      s[0]++;
      windows++;
      if (r.get("anomalous").asBoolean()) {
        s[1]++;
        anomalies++;
        long end = r.get("windowEnd").asLong();
        s[2] = Math.min(s[2], end);
        anomalyTimes.computeIfAbsent(sensor, k -> new ArrayList<>()).add(end);
      }
    }
    Map<String, Integer> reasons = new TreeMap<>();
    long dead = 0;
    for (String line : linesOf(Paths.get(config.deadLetterPath()))) {
      reasons.merge(json.readTree(line).get("reason").asText(), 1, Integer::sum);
      dead++;
    }

    long inFaults = 0;
    for (Episode ep : source.known()) {
      for (long t : anomalyTimes.getOrDefault(ep.sensorId(), List.of())) {
        if (t >= ep.start() && t <= ep.end()) {
          inFaults++;
        }
      }
    }
    String alarms =
        source.known().isEmpty()
            ? String.format(Locale.ROOT, "%,d anomalous", anomalies)
            : String.format(
                Locale.ROOT,
                "%,d anomalous (%,d inside known faults, %,d outside)",
                anomalies,
                inFaults,
                anomalies - inFaults);
    String rate =
        Double.isNaN(steadyRate)
            ? String.format(
                Locale.ROOT, "%,.0f readings/s including start-up", source.readings() / seconds)
            : String.format(
                Locale.ROOT,
                "%,.0f readings/s steady, %,.0f/s including start-up",
                steadyRate,
                source.readings() / seconds);
    out.printf(
        Locale.ROOT,
        "%njob finished in %.1f s: %,d readings → %,d windows scored, %s; %s%n",
        seconds,
        source.readings(),
        windows,
        alarms,
        rate);
    out.printf(
        Locale.ROOT, "%n%-22s %9s %10s %20s%n", "sensor", "windows", "anomalous", "first anomaly");
    for (Map.Entry<String, long[]> e : perSensor.entrySet()) {
      long[] s = e.getValue();
      out.printf(
          Locale.ROOT,
          "%-22s %,9d %,10d %20s%n",
          e.getKey(),
          s[0],
          s[1],
          s[2] == Long.MAX_VALUE ? "-" : fmt(s[2]));
    }
    List<String> known = new ArrayList<>();
    if (!source.known().isEmpty()) {
      out.printf(Locale.ROOT, "%nknown failures:%n");
      for (Episode ep : source.known()) {
        Long first = null;
        int count = 0;
        for (long t : anomalyTimes.getOrDefault(ep.sensorId(), List.of())) {
          if (t >= ep.start() && t <= ep.end()) {
            count++;
            first = first == null ? t : Math.min(first, t);
          }
        }
        String verdict =
            first == null
                ? "NOT flagged"
                : String.format(
                    Locale.ROOT,
                    "flagged %s after onset, %s before the end (%d anomalous windows)",
                    duration(first - ep.start()),
                    duration(ep.end() - first),
                    count);
        String line =
            String.format(
                Locale.ROOT,
                "  %-20s %-36s %s → %s: %s",
                ep.sensorId(),
                ep.what(),
                fmt(ep.start()),
                fmt(ep.end()),
                verdict);
        known.add(line);
        out.println(line);
      }
    }
    out.printf(
        Locale.ROOT, "%ndead letters: %,d %s%n", dead, reasons.isEmpty() ? "" : reasons.toString());
    out.printf(
        Locale.ROOT,
        "results:      %s%ndead letters: %s%n",
        config.outputPath(),
        config.deadLetterPath());
    return new Result(
        modelPath,
        source.readings(),
        windows,
        anomalies,
        inFaults,
        dead,
        reasons,
        seconds,
        steadyRate,
        perSensor,
        known);
  }

  private static String fmt(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis)
        .toString()
        .replace("T", " ")
        .replace(":00Z", "")
        .replace("Z", "");
  }

  private static String duration(long millis) {
    long minutes = Math.abs(millis) / 60_000;
    if (minutes < 120) {
      return minutes + " min";
    }
    if (minutes < 48 * 60) {
      return String.format(Locale.ROOT, "%.1f h", minutes / 60.0);
    }
    return String.format(Locale.ROOT, "%.1f days", minutes / 1440.0);
  }

  /** NAB's labelled windows of the bundled series, read by the one NAB label reader. */
  private static List<NabLabels.Window> bundledNabWindows() throws IOException {
    try (java.io.InputStream in = NabSample.class.getResourceAsStream(NabSample.WINDOWS_RESOURCE)) {
      if (in == null) {
        throw new IOException(
            "bundled labels " + NabSample.WINDOWS_RESOURCE + " are missing from the jar");
      }
      NabLabels labels =
          NabLabels.parse(
              new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
              NabSample.WINDOWS_RESOURCE);
      List<NabLabels.Window> windows = new ArrayList<>();
      for (String file : labels.files()) {
        windows.addAll(labels.windows(file));
      }
      return windows;
    }
  }
}
