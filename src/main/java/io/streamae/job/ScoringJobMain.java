package io.streamae.job;

import io.streamae.ingest.RawReading;
import io.streamae.kafka.KafkaPipelines;
import io.streamae.kafka.KafkaPreflight;
import io.streamae.kafka.KafkaSettings;
import io.streamae.kafka.ModelUpdatesSource;
import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.ModelLoader;
import io.streamae.tensor.TensorLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of the cluster job and the {@code Main-Class} of its jar, for {@code flink run
 * target/streamae-job.jar --config jobs/scoring/job.yaml [--key value ...]}, a Web UI or REST
 * upload, and the Flink Kubernetes Operator.
 *
 * <p>Place in the pipeline: wiring only. Input: a YAML job file and {@code --key value} overrides
 * ({@link ConfigLoader}), validated once by {@link JobConfig#from}; the model bundle at {@code
 * model.path}, opened here for its window layout (and again by every scoring subtask). Output: the
 * {@link AnomalyDetectionJob} between {@link KafkaPipelines#source} (uid {@value
 * KafkaPipelines#SOURCE_UID}) and the result and dead-letter sinks (uids {@value
 * AnomalyDetectionJob#RESULTS_SINK}, {@value AnomalyDetectionJob#DEAD_LETTER_SINK}), submitted with
 * {@code pipeline.generic-types: false}. Anything wrong stops the start-up with a message naming
 * the key; a key that is neither StreamAE's nor Flink's ({@link JobKeys}) is refused with the
 * closest known one, as Flink would ignore it; so are brokers that do not answer within {@code
 * kafka.check-timeout} and a missing input topic ({@link KafkaPreflight}).
 */
public final class ScoringJobMain {
  private static final Logger LOG = LoggerFactory.getLogger(ScoringJobMain.class);

  /** Job name unless {@code pipeline.name} is set. */
  public static final String JOB_NAME = "streamae-scoring";

  private ScoringJobMain() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = configuration(args);
    JobConfig config = JobConfig.from(conf);
    // A missing topic or a silent broker refuses the submission here, instead of a job that is
    // accepted and then restarts in a loop.
    KafkaPreflight.check(config.kafka(), config.models().updatesTopic());
    ModelBundle bundle = ModelLoader.load(config.modelPath());
    LOG.info(
        "model {} at {}: windows of {} readings with features {}",
        bundle.versionLabel(),
        config.modelPath(),
        bundle.layout().timesteps(),
        bundle.layout().featureNames());
    StreamExecutionEnvironment env = environment(conf, config);
    define(env, config, bundle.layout());
    env.execute(conf.getOptional(PipelineOptions.NAME).orElse(JOB_NAME));
  }

  /**
   * Reads {@code --config FILE} (optional) and {@code --key value} overrides. {@code source.kind}
   * defaults to kafka here and must be kafka: this job reads nothing else.
   */
  public static Configuration configuration(String... args) throws IOException {
    Path file = null;
    List<String> overrides = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") || args[i].startsWith("--config=")) {
        String value = args[i].startsWith("--config=") ? args[i].substring(9) : null;
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("option --config needs a job file");
          }
          value = args[++i];
        }
        file = Paths.get(value);
      } else {
        overrides.add(args[i]);
      }
    }
    Configuration conf = ConfigLoader.load(file, overrides);
    String source = conf.getOptional(JobOptions.SOURCE).orElse("kafka");
    if (!source.trim().toLowerCase(Locale.ROOT).equals("kafka")) {
      throw new IllegalArgumentException(
          String.format(
              "%s (%s) must be kafka for the cluster job; local sources run with"
                  + " `streamae run`",
              JobOptions.SOURCE.key(), source));
    }
    conf.set(JobOptions.SOURCE, "kafka");
    return conf;
  }

  /**
   * The execution environment for {@code conf} (on top of the cluster's configuration) with generic
   * types off and the job's options, secrets masked, as global job parameters.
   *
   * @throws IllegalArgumentException if exactly-once is asked for without checkpointing
   */
  public static StreamExecutionEnvironment environment(Configuration conf, JobConfig config) {
    Configuration effective = new Configuration(conf);
    effective.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(effective);
    env.getConfig()
        .setGlobalJobParameters(Configuration.fromMap(KafkaSettings.redacted(conf.toMap())));
    Duration interval = conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
    Duration minPause = conf.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS);
    if (interval != null && minPause.compareTo(interval) > 0) {
      LOG.warn(
          "{} ({}) is longer than {} ({}): checkpoints come at most every {}",
          CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS.key(),
          minPause,
          CheckpointingOptions.CHECKPOINTING_INTERVAL.key(),
          interval,
          minPause);
    }
    if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
      if (config.kafka().exactlyOnce()) {
        throw new IllegalArgumentException(
            String.format(
                "%s (%s) commits on checkpoints: set" + " execution.checkpointing.interval",
                JobOptions.KAFKA_DELIVERY_GUARANTEE.key(), config.kafka().deliveryGuarantee()));
      }
      LOG.warn(
          "checkpointing is off: Kafka offsets are not committed and output is not"
              + " flushed on checkpoints, so a failure loses or repeats readings; set"
              + " execution.checkpointing.interval");
    }
    return env;
  }

  /**
   * Adds the Kafka-to-Kafka scoring pipeline to {@code env}.
   *
   * @throws IllegalArgumentException if an option cannot be honoured, naming the key
   */
  public static void define(StreamExecutionEnvironment env, JobConfig config, TensorLayout layout) {
    AnomalyDetectionJob job = new AnomalyDetectionJob(config, layout);
    DataStream<RawReading> raw =
        env.fromSource(
                KafkaPipelines.source(config.kafka()).build(),
                ReadingWatermarks.of(config),
                KafkaPipelines.SOURCE_UID)
            .uid(KafkaPipelines.SOURCE_UID);
    DataStream<RawReading> updates = null;
    if (config.models().updatesTopic() != null) {
      updates =
          env.fromSource(
                  ModelUpdatesSource.build(
                      config.kafka(),
                      config.models().updatesTopic(),
                      config.models().updatesStartingOffsets()),
                  WatermarkStrategy.noWatermarks(),
                  ModelUpdatesSource.UID)
              .uid(ModelUpdatesSource.UID)
              .setParallelism(1);
    }
    job.build(raw, true, updates)
        .sinkTo(
            KafkaPipelines.results(config.kafka()).build(),
            KafkaPipelines.deadLetters(config.kafka()).build());
    LOG.info(
        "scoring job: {} -> {} (dead letters {}), {}, windows of {} readings sliding by {}",
        config.kafka().inputTopic(),
        config.kafka().outputTopic(),
        config.kafka().deadLetterTopic(),
        config.kafka().deliveryGuarantee(),
        layout.timesteps(),
        config.windowSlide());
  }
}
