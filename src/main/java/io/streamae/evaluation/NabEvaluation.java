package io.streamae.evaluation;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.streamae.ingest.RawReading;
import io.streamae.job.AnomalyDetectionJob;
import io.streamae.job.JobConfig;
import io.streamae.job.JobOptions;
import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.io.HistoryData;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingRunner;
import io.streamae.sink.AnomalyRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline evaluation of the production detector on labelled series in NAB's layout: per series,
 * train a model on the first rows, stream the whole series through the real job graph, write a
 * results file, then score the corpus with {@link NabScorer}.
 *
 * <p>Place: behind the {@code evaluate} command; uses the job ({@link AnomalyDetectionJob#build})
 * on a local Flink environment, never Kafka. Input: a data directory of CSVs ({@code
 * <category>/<file>.csv}), optional NAB label windows ({@link NabLabels}) or per-row label columns.
 * Output: {@code <out>/<detector>/<category>/<detector>_<file>.csv} per series (NAB's results
 * layout: {@code timestamp,value,anomaly_score,label} for NAB series, {@code
 * timestamp,anomaly_score,anomaly[,label]} for multi-column ones), one row per input row in input
 * order, and an {@link EvaluationReport}.
 *
 * <p>No label reaches training or the job: the model sees only the training prefix, the job only
 * timestamps and feature values. Results map back to rows by the window's end time, first matching
 * row; rows without a result (the first {@code timesteps - 1} rows, a repeated or late timestamp,
 * rows after a gap restart) score 0.
 *
 * <pre>{@code
 * NabEvaluation.Settings settings = NabEvaluation.Settings.builder()
 *     .detector("streamae").timesteps(32).hidden(32).epochs(20)
 *     .parallel(2)
 *     .build();
 * EvaluationReport report = new NabEvaluation(settings).run(dataDir, labelsFile, outDir, log);
 * }</pre>
 */
public final class NabEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(NabEvaluation.class);

  /**
   * Windows after the training rows that only teach the calibration (score 0): errors on rows the
   * model trained on are smaller than on new rows, so the distribution also needs unseen ones.
   */
  public static final int CALIBRATION_WINDOWS = 100;

  /** Per series, what the progress line adds (online retraining). */
  private final Map<String, String> notes = new java.util.concurrent.ConcurrentHashMap<>();

  private final Settings settings;

  public NabEvaluation(Settings settings) {
    this.settings = settings;
  }

  /**
   * What to evaluate and how; {@link Builder#build()} checks it.
   *
   * @param detector name of the results directory and file prefix
   * @param trainFraction fraction of each series' rows to train on (unless {@code trainRows})
   * @param trainMaxRows cap on the training rows from {@code trainFraction} (NAB's probationary cap
   *     of 750 rows), so a model never trains on rows NAB scores
   * @param trainRows fixed number of training rows, or 0 to use {@code trainFraction}
   * @param jobOptions job options ({@code scoring.*}, {@code window.*}) applied to every series
   * @param parallel series evaluated at once; with more than one, ND4J uses one thread each
   */
  public record Settings(
      String detector,
      double trainFraction,
      int trainMaxRows,
      int trainRows,
      int timesteps,
      List<Integer> hidden,
      int epochs,
      int batchSize,
      double learningRate,
      double validationFraction,
      double inputNoise,
      long seed,
      ModelMode mode,
      int warmupRows,
      Map<String, String> jobOptions,
      int parallel,
      EvaluationSeries.Format format,
      int onlineRetrainRows) {

    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the defaults chosen on the NAB development subset. */
    public static final class Builder {
      private String detector = "streamae";
      private double trainFraction = NabScorer.PROBATIONARY_PERCENT;
      private int trainMaxRows = NabScorer.PROBATIONARY_CAP_ROWS;
      private int trainRows = 0;
      private int timesteps = 32;
      private List<Integer> hidden = List.of(32);
      private int epochs = 10;
      private int batchSize = 64;
      private double learningRate = 0.005;
      private double validationFraction = 0.2;
      private double inputNoise = 0.0;
      private long seed = 42;
      private ModelMode mode = ModelMode.COMPOSITE;
      private int warmupRows = -1;
      private Map<String, String> jobOptions = Map.of();
      private int parallel = 2;
      private EvaluationSeries.Format format = EvaluationSeries.Format.NAB;
      private int onlineRetrainRows = 0;

      /**
       * Retrain each series' model every {@code rows} rows after its training rows, from the
       * windows judged normal among the rows seen so far ({@link OnlineRetrainScorer}); 0 = never.
       */
      public Builder onlineRetrainRows(int rows) {
        this.onlineRetrainRows = rows;
        return this;
      }

      public Builder detector(String value) {
        this.detector = value;
        return this;
      }

      public Builder trainFraction(double value) {
        this.trainFraction = value;
        return this;
      }

      public Builder trainMaxRows(int value) {
        this.trainMaxRows = value;
        return this;
      }

      public Builder trainRows(int value) {
        this.trainRows = value;
        return this;
      }

      public Builder timesteps(int value) {
        this.timesteps = value;
        return this;
      }

      public Builder hidden(List<Integer> value) {
        this.hidden = List.copyOf(value);
        return this;
      }

      public Builder hidden(int value) {
        return hidden(List.of(value));
      }

      public Builder epochs(int value) {
        this.epochs = value;
        return this;
      }

      public Builder batchSize(int value) {
        this.batchSize = value;
        return this;
      }

      public Builder learningRate(double value) {
        this.learningRate = value;
        return this;
      }

      public Builder validationFraction(double value) {
        this.validationFraction = value;
        return this;
      }

      public Builder inputNoise(double value) {
        this.inputNoise = value;
        return this;
      }

      public Builder seed(long value) {
        this.seed = value;
        return this;
      }

      public Builder mode(ModelMode value) {
        this.mode = value;
        return this;
      }

      /**
       * Rows per series before scores are live; negative (the default) = the training rows plus
       * {@link #CALIBRATION_WINDOWS}.
       */
      public Builder warmupRows(int value) {
        this.warmupRows = value;
        return this;
      }

      public Builder jobOptions(Map<String, String> value) {
        this.jobOptions = Map.copyOf(value);
        return this;
      }

      public Builder parallel(int value) {
        this.parallel = value;
        return this;
      }

      public Builder format(EvaluationSeries.Format value) {
        this.format = value;
        return this;
      }

      public Settings build() {
        check(
            detector != null && detector.matches("[A-Za-z0-9_.-]+"),
            "detector name must be letters, digits, '_', '.' or '-', was '%s'",
            detector);
        check(
            trainFraction > 0 && trainFraction < 1,
            "train fraction must be in (0, 1), was %s",
            trainFraction);
        check(trainMaxRows >= 1, "train row cap must be >= 1, was %s", trainMaxRows);
        check(trainRows >= 0, "train rows must be >= 0, was %s", trainRows);
        check(parallel >= 1, "parallel must be >= 1, was %s", parallel);
        check(timesteps >= 2, "timesteps must be >= 2, was %s", timesteps);
        check(format != null, "format must be set");
        check(
            onlineRetrainRows >= 0, "online retrain rows must be >= 0, was %s", onlineRetrainRows);
        // The training options and spec check the rest when the first model is built.
        TrainingOptions.builder()
            .epochs(epochs)
            .batchSize(batchSize)
            .learningRate(learningRate)
            .validationFraction(validationFraction)
            .inputNoise(inputNoise)
            .build();
        for (String key : jobOptions.keySet()) {
          check(
              !key.equals(JobOptions.MODEL_PATH.key()),
              "%s is set per series by the evaluation",
              key);
        }
        return new Settings(
            detector,
            trainFraction,
            trainMaxRows,
            trainRows,
            timesteps,
            hidden,
            epochs,
            batchSize,
            learningRate,
            validationFraction,
            inputNoise,
            seed,
            mode,
            warmupRows,
            jobOptions,
            parallel,
            format,
            onlineRetrainRows);
      }

      private static void check(boolean ok, String template, Object... args) {
        if (!ok) {
          throw new IllegalArgumentException(String.format(Locale.ROOT, template, args));
        }
      }
    }

    /** Training rows of a series of {@code rows} rows. */
    public int trainingRows(int rows) {
      int n = trainRows > 0 ? trainRows : Math.min(trainMaxRows, (int) (trainFraction * rows));
      return Math.min(n, rows);
    }
  }

  /**
   * The job's output for one series, mapped to its rows.
   *
   * @param scores anomaly score per row, 0 where no window ended
   * @param alarms the job's decision per row ({@code anomalous})
   * @param reconstructionErrors raw error per row, NaN where no window ended
   * @param predictionErrors raw prediction error per row, NaN where none
   * @param unscoredRows rows without a result (before the first full window, repeated or late
   *     timestamps, rows after a gap restart)
   * @param warmupRows rows whose result was still warming up
   */
  public record SeriesRun(
      EvaluationSeries series,
      int trainingRows,
      double[] scores,
      boolean[] alarms,
      double[] reconstructionErrors,
      double[] predictionErrors,
      int unscoredRows,
      int warmupRows,
      double trainSeconds,
      double streamSeconds,
      Path resultsFile) {}

  /**
   * Evaluates every CSV below {@code dataDir}.
   *
   * @param labelsFile NAB windows JSON, or null (then labels come from the label column, if any)
   * @param progress receives one line per finished series (the CLI prints them)
   */
  public EvaluationReport run(Path dataDir, Path labelsFile, Path outDir, Consumer<String> progress)
      throws IOException, InterruptedException {
    return run(
        dataDir, labelsFile, outDir, (Progress) (line, done, total) -> progress.accept(line));
  }

  /** Hears of each series as it starts and as it finishes (from the evaluation's threads). */
  public interface Progress {
    /** A series starts: training, then streaming. */
    default void started(String key, int total) {}

    /**
     * A series finished; {@code line} says how long it trained and streamed, counted as {@code
     * [done/total]}.
     */
    void finished(String line, int done, int total);

    /** A series ended, finished or failed; it no longer runs. */
    default void ended(String key) {}
  }

  /**
   * Trains, streams and scores every series, as {@link #run(Path, Path, Path, Consumer)}, telling
   * {@code progress} when each series starts and finishes.
   */
  public EvaluationReport run(Path dataDir, Path labelsFile, Path outDir, Progress progress)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    NabLabels labels = labelsFile == null ? null : NabLabels.read(labelsFile);
    List<String> keys = EvaluationSeries.list(dataDir);
    if (labels != null) {
      List<String> unlabelled = keys.stream().filter(k -> !labels.contains(k)).toList();
      if (!unlabelled.isEmpty()) {
        throw new IllegalArgumentException(
            String.format(
                "%s has no windows for %s of the %s data files, e.g. %s",
                labelsFile, unlabelled.size(), keys.size(), unlabelled.get(0)));
      }
    }
    if (settings.parallel() > 1) {
      // Series run side by side; one ND4J thread each keeps training within the cores.
      Nd4j.getEnvironment().setMaxThreads(1);
    }
    Path work = Files.createTempDirectory("streamae-evaluate");
    ExecutorService pool = Executors.newFixedThreadPool(settings.parallel());
    List<Future<SeriesRun>> futures = new ArrayList<>();
    AtomicInteger done = new AtomicInteger();
    int total = keys.size();
    String counter = "[%" + Integer.toString(total).length() + "d/%d] ";
    try {
      for (String key : keys) {
        futures.add(
            pool.submit(
                () -> {
                  progress.started(key, total);
                  SeriesRun run;
                  try {
                    run = evaluate(dataDir, key, labels, outDir, work);
                  } finally {
                    progress.ended(key);
                  }
                  int n = done.incrementAndGet();
                  progress.finished(
                      String.format(
                          Locale.ROOT,
                          counter + "%-60s %,7d rows: trained %.1f s, streamed %.1f s%s",
                          n,
                          total,
                          key,
                          run.series().rows(),
                          run.trainSeconds(),
                          run.streamSeconds(),
                          notes.getOrDefault(key, "")),
                      n,
                      total);
                  return run;
                }));
      }
      List<SeriesRun> runs = new ArrayList<>();
      for (Future<SeriesRun> f : futures) {
        runs.add(f.get());
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      return EvaluationReport.of(settings.detector(), runs, labels, seconds);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause.getMessage(), cause);
    } finally {
      pool.shutdownNow();
      deleteRecursively(work);
    }
  }

  /** Trains, streams and writes the results of one series. */
  SeriesRun evaluate(Path dataDir, String key, NabLabels labels, Path outDir, Path work)
      throws Exception {
    EvaluationSeries series = EvaluationSeries.read(dataDir, key, settings.format());
    int trainRows = settings.trainingRows(series.rows());
    long t0 = System.nanoTime();
    Path model = work.resolve(key.replace('/', '_') + ".sae");
    ModelBundle bundle = train(series, trainRows);
    bundle.write(model);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;

    long t1 = System.nanoTime();
    SeriesRun run;
    if (settings.onlineRetrainRows() > 0) {
      OnlineRetrainScorer.Outcome online =
          new OnlineRetrainScorer(
                  JobConfig.from(jobConfiguration(series, trainRows, model)).scoring(),
                  io.streamae.retrain.RetrainSettings.builder().build(),
                  settings.onlineRetrainRows())
              .score(series, trainRows, bundle);
      run = online.run();
      notes.put(
          key,
          String.format(
              Locale.ROOT, ", %d retrains in %.1f s", online.retrains(), online.retrainSeconds()));
    } else {
      run = stream(series, trainRows, bundle, model);
    }
    double streamSeconds = (System.nanoTime() - t1) / 1e9;
    Path file = resultsPath(outDir, key);
    List<NabLabels.Window> windows = labels == null ? null : labels.windows(key);
    EvaluationResultsWriter.write(file, series, run.scores(), run.alarms(), windows);
    LOG.debug("series {} evaluated: {} rows, {} unscored", key, series.rows(), run.unscoredRows());
    return new SeriesRun(
        series,
        trainRows,
        run.scores(),
        run.alarms(),
        run.reconstructionErrors(),
        run.predictionErrors(),
        run.unscoredRows(),
        run.warmupRows(),
        trainSeconds,
        streamSeconds,
        file);
  }

  /** {@code out/<detector>/<category>/<detector>_<file>} as NAB lays out results. */
  public Path resultsPath(Path outDir, String key) {
    int slash = key.lastIndexOf('/');
    String dir = slash < 0 ? "" : key.substring(0, slash);
    String file = settings.detector() + "_" + key.substring(slash + 1);
    Path base = outDir.resolve(settings.detector());
    return dir.isEmpty() ? base.resolve(file) : base.resolve(dir).resolve(file);
  }

  /** A model trained on the first {@code rows} rows of the series only. */
  ModelBundle train(EvaluationSeries series, int rows) {
    int needed = settings.timesteps() + 1 + 2;
    if (rows < needed) {
      throw new IllegalArgumentException(
          String.format(
              "series %s: %s training rows are too few for windows of %s steps",
              series.name(), rows, settings.timesteps()));
    }
    int f = series.features();
    long[] ts = Arrays.copyOf(series.timestampsMs(), rows);
    float[] values = Arrays.copyOf(series.values(), rows * f);
    HistoryData history =
        new HistoryData(
            series.featureNames(),
            Map.of(series.name(), new HistoryData.Series(ts, values)),
            rows,
            List.of(),
            0,
            "first " + rows + " rows of " + series.name());
    ModelMode mode = settings.mode();
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(
            settings.timesteps(),
            f,
            mode.predicts() ? 1 : 0,
            settings.hidden(),
            CellActivation.TANH,
            mode);
    TrainingOptions options =
        TrainingOptions.builder()
            .epochs(settings.epochs())
            .batchSize(settings.batchSize())
            .learningRate(settings.learningRate())
            .seed(settings.seed())
            .validationFraction(settings.validationFraction())
            .inputNoise(settings.inputNoise())
            .build();
    return TrainingRunner.train(
            new TrainingRunner.Request(
                history,
                history.sha256(),
                spec,
                options,
                "percentile",
                99.5,
                settings.detector(),
                "nab"))
        .bundle();
  }

  /** Streams every row of the series through the job graph and maps the results to rows. */
  SeriesRun stream(EvaluationSeries series, int trainRows, ModelBundle bundle, Path model)
      throws Exception {
    Configuration conf = jobConfiguration(series, trainRows, model);
    JobConfig config = JobConfig.from(conf);
    Configuration flink = new Configuration();
    flink.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
    env.setParallelism(1);

    List<RawReading> readings = readings(series);
    DataStream<RawReading> raw = env.fromData(readings, TypeInformation.of(RawReading.class));
    AnomalyDetectionJob.Outputs outputs =
        new AnomalyDetectionJob(config, bundle.layout()).build(raw);
    // Only the results are collected: a row without one scores 0 and is counted as unscored.
    CloseableIterator<AnomalyRecord> results =
        outputs.results().executeAndCollect("evaluate " + series.name());

    int n = series.rows();
    Map<Long, Integer> rowOf = new HashMap<>(n * 2);
    for (int i = n - 1; i >= 0; i--) {
      rowOf.put(series.timestampsMs()[i], i); // the first row of a repeated timestamp wins
    }
    RowResults rows = new RowResults(n);
    try (results) {
      while (results.hasNext()) {
        AnomalyRecord r = results.next();
        Integer row = rowOf.get(r.windowEnd());
        if (row == null || rows.seen(row)) {
          continue;
        }
        rows.record(
            row,
            r.anomalyScore(),
            r.anomalous(),
            r.reconstructionError(),
            r.predictionError(),
            r.warmingUp());
      }
    }
    // The collect sink hands over its last batch when the job ends; a lost batch would show as
    // an unscored newest row, which the job scores unless a gap restarted its windows just before.
    int last = rowOf.get(Arrays.stream(series.timestampsMs()).max().orElseThrow());
    if (n >= settings.timesteps() && !rows.seen(last)) {
      LOG.warn(
          "series {}: no result for its newest row {} (a gap just before it, or the job's"
              + " output ended early); unscored rows score 0",
          series.name(),
          last + 1);
    }
    return rows.toRun(series, trainRows);
  }

  /**
   * The job options of one series: its model, windows of slide 1, event time from the file; every
   * other option (gap policy, calibration) is the job's default, as users deploy it.
   */
  Configuration jobConfiguration(EvaluationSeries series, int trainRows, Path model) {
    Configuration conf = new Configuration();
    conf.set(JobOptions.MODEL_PATH, model.toString());
    conf.set(JobOptions.WINDOW_SLIDE, 1);
    // The file is in time order: a row behind the previous one (a repeated hour) is late.
    conf.set(JobOptions.MAX_OUT_OF_ORDERNESS, Duration.ZERO);
    conf.set(JobOptions.MAX_FUTURE_SKEW, Duration.ofDays(365L * 100));
    int warmupRows =
        settings.warmupRows() >= 0 ? settings.warmupRows() : trainRows + CALIBRATION_WINDOWS;
    conf.set(
        JobOptions.SCORING_WARMUP_WINDOWS, Math.max(0, warmupRows - (settings.timesteps() - 1)));
    Map<String, String> overrides = new LinkedHashMap<>(settings.jobOptions());
    conf.addAll(Configuration.fromMap(overrides));
    return conf;
  }

  /** The rows as the job's input JSON, values as an array in feature order. */
  static List<RawReading> readings(EvaluationSeries series) {
    int f = series.features();
    List<RawReading> out = new ArrayList<>(series.rows());
    String id = series.name();
    String quoted = new String(JsonStringEncoder.getInstance().quoteAsString(id));
    StringBuilder sb = new StringBuilder(64);
    for (int i = 0; i < series.rows(); i++) {
      sb.setLength(0);
      sb.append("{\"sensorId\":\"")
          .append(quoted)
          .append("\",\"ts\":")
          .append(series.timestampsMs()[i])
          .append(",\"values\":[");
      for (int c = 0; c < f; c++) {
        if (c > 0) {
          sb.append(',');
        }
        sb.append(series.values()[i * f + c]);
      }
      sb.append("]}");
      out.add(
          new RawReading(
              sb.toString().getBytes(StandardCharsets.UTF_8),
              "file:" + series.name() + ":" + (i + 2),
              0L));
    }
    return out;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
