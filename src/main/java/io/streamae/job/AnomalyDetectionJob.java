package io.streamae.job;

import io.streamae.ingest.DeadLetter;
import io.streamae.ingest.ParseReadingsFunction;
import io.streamae.ingest.RawReading;
import io.streamae.ingest.ReadingParser;
import io.streamae.ingest.RejectReason;
import io.streamae.ingest.SensorReading;
import io.streamae.scoring.CalibrateScoresFunction;
import io.streamae.scoring.ModelFileWatch;
import io.streamae.scoring.ModelUpdate;
import io.streamae.scoring.ParseModelUpdatesFunction;
import io.streamae.scoring.ScoreWindowsOperator;
import io.streamae.scoring.ScoreWindowsWithUpdatesOperator;
import io.streamae.sink.AnomalyRecord;
import io.streamae.sink.RecordJson;
import io.streamae.tensor.TensorLayout;
import io.streamae.window.AssembleWindowFunction;
import io.streamae.window.ConflictingReading;
import io.streamae.window.SensorWindow;
import io.streamae.window.WindowSpec;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The scoring dataflow, independent of where readings come from and where results go:
 *
 * <pre>
 * raw readings ─► parse-readings ─► [assign-timestamps] ─► keyBy(sensorId) ─► assemble-windows
 *                     │ dead letters                     late readings, conflicts │
 *                     ▼                                                         ▼
 *               dead-letter stream ◄─ route-results ◄─ calibrate-scores ◄─ score-windows
 *                                          │ OK records   (keyed: likelihood)  (keyed, batched)
 *                                          ▼
 *                                     result stream
 * </pre>
 *
 * {@code assign-timestamps} is there only for sources without watermarks of their own; the Kafka
 * job's source makes them per partition ({@link #build(DataStream, boolean)}).
 *
 * <p>Operator uids are stable (savepoints depend on them) and equal their names.
 */
public final class AnomalyDetectionJob {
  public static final String PARSE = "parse-readings";
  public static final String TIMESTAMPS = "assign-timestamps";
  public static final String WINDOWS = "assemble-windows";
  public static final String SCORE = "score-windows";
  public static final String PARSE_UPDATES = "parse-model-updates";
  public static final String CALIBRATE = "calibrate-scores";
  public static final String ROUTE = "route-results";
  public static final String LATE = "late-to-dead-letters";
  public static final String CONFLICTING = "conflicts-to-dead-letters";
  public static final String RESULTS_SINK = "results-sink";
  public static final String DEAD_LETTER_SINK = "dead-letter-sink";

  static final OutputTag<DeadLetter> FAILED_SCORES =
      new OutputTag<>("failed-scores", TypeInformation.of(DeadLetter.class));

  private final JobConfig config;
  private final TensorLayout layout;

  /**
   * @param layout the model's window layout (read from the bundle when the job is built)
   */
  public AnomalyDetectionJob(JobConfig config, TensorLayout layout) {
    if (config.windowSize() != null && config.windowSize() != layout.timesteps()) {
      throw new IllegalArgumentException(
          String.format(
              "window.size (%s) does not match the model, which was trained on windows of %s readings",
              config.windowSize(), layout.timesteps()));
    }
    WindowSpec.requireSlideWithinSize(
        config.windowSlide(),
        JobOptions.WINDOW_SLIDE.key(),
        layout.timesteps(),
        JobOptions.WINDOW_SIZE.key());
    this.config = config;
    this.layout = layout;
  }

  /** The job's two outputs. */
  public record Outputs(DataStream<AnomalyRecord> results, DataStream<DeadLetter> deadLetters) {
    public void sinkTo(Sink<AnomalyRecord> resultSink, Sink<DeadLetter> deadLetterSink) {
      results.sinkTo(resultSink).name(RESULTS_SINK).uid(RESULTS_SINK);
      deadLetters.sinkTo(deadLetterSink).name(DEAD_LETTER_SINK).uid(DEAD_LETTER_SINK);
    }
  }

  /**
   * The dataflow for a source without watermarks: event time is assigned after parsing ({@value
   * #TIMESTAMPS}), bounded by {@code window.max-out-of-orderness}, idle after {@code
   * window.idle-timeout}.
   */
  public Outputs build(DataStream<RawReading> raw) {
    return build(raw, false);
  }

  /**
   * @param sourceWatermarks whether {@code raw} already carries event time and watermarks from its
   *     source ({@link io.streamae.kafka.KafkaPipelines#watermarks}: per partition); when false
   *     they are assigned after parsing
   */
  public Outputs build(DataStream<RawReading> raw, boolean sourceWatermarks) {
    return build(raw, sourceWatermarks, null);
  }

  /**
   * The dataflow with models that change while it runs: {@code modelUpdates} (raw messages of the
   * model-updates topic or of a watched {@code model.path}) are parsed ({@value #PARSE_UPDATES})
   * and broadcast to every {@value #SCORE} subtask ({@link ScoreWindowsWithUpdatesOperator});
   * refused updates join the dead letters.
   *
   * <pre>
   * model updates ─► parse-model-updates ─► broadcast ─┐
   *                                                    ▼
   * windows ─────────────────────────────────────► score-windows ─► calibrate-scores ─► …
   * </pre>
   *
   * With {@code model.watch-interval} set, the changes of the file at {@code model.path} join
   * {@code modelUpdates} ({@link ModelFileWatch}).
   *
   * @param modelUpdates raw update messages, or null for none
   */
  public Outputs build(
      DataStream<RawReading> raw, boolean sourceWatermarks, DataStream<RawReading> modelUpdates) {
    ReadingParser parser =
        ReadingParser.builder(layout.featureNames()).maxFutureSkew(config.maxFutureSkew()).build();
    SingleOutputStreamOperator<SensorReading> readings =
        raw.process(new ParseReadingsFunction(parser, config.kafka().recordTime()))
            .name(PARSE)
            .uid(PARSE);

    DataStream<SensorReading> timed = readings;
    if (!sourceWatermarks) {
      WatermarkStrategy<SensorReading> watermarks =
          WatermarkStrategy.<SensorReading>forBoundedOutOfOrderness(config.maxOutOfOrderness())
              .withTimestampAssigner((reading, previous) -> reading.timestamp())
              .withIdleness(config.idleTimeout());
      timed = readings.assignTimestampsAndWatermarks(watermarks).name(TIMESTAMPS).uid(TIMESTAMPS);
    }

    WindowSpec spec =
        new WindowSpec(
            layout.timesteps(),
            config.windowSlide(),
            layout.features(),
            config.maxGap(),
            config.gapPolicy());
    SingleOutputStreamOperator<SensorWindow> windows =
        timed
            .keyBy(SensorReading::sensorId)
            .process(
                new AssembleWindowFunction(
                    spec, config.stateTtl(), config.lateness(), config.maxStaleness()))
            .name(WINDOWS)
            .uid(WINDOWS);

    // Windows and records stay on the subtask that owns their sensor, so scoring and calibration
    // reuse the window stage's partitioning: one chained task per subtask, no shuffle of ~1 KB
    // windows between the stages.
    if (config.models().watchInterval() != null) {
      DataStream<RawReading> watched =
          ModelFileWatch.stream(
              raw.getExecutionEnvironment(), config.modelPath(), config.models().watchInterval());
      modelUpdates = modelUpdates == null ? watched : modelUpdates.union(watched);
    }
    KeyedStream<SensorWindow, String> keyedWindows =
        DataStreamUtils.reinterpretAsKeyedStream(windows, SensorWindow::sensorId, Types.STRING);
    SingleOutputStreamOperator<AnomalyRecord> scored;
    DataStream<DeadLetter> updateLetters = null;
    if (modelUpdates == null) {
      scored =
          keyedWindows
              .transform(
                  SCORE,
                  TypeInformation.of(AnomalyRecord.class),
                  new ScoreWindowsOperator(
                      config.modelPath(),
                      config.models().routes(),
                      layout,
                      config.batchSize(),
                      config.batchMaxWait()))
              .name(SCORE)
              .uid(SCORE);
    } else {
      SingleOutputStreamOperator<ModelUpdate> updates =
          modelUpdates
              .process(new ParseModelUpdatesFunction())
              .name(PARSE_UPDATES)
              .uid(PARSE_UPDATES);
      scored =
          keyedWindows
              .connect(updates.broadcast())
              .transform(
                  SCORE,
                  TypeInformation.of(AnomalyRecord.class),
                  new ScoreWindowsWithUpdatesOperator(
                      config.modelPath(),
                      config.models().routes(),
                      layout,
                      config.batchSize(),
                      config.batchMaxWait()))
              .name(SCORE)
              .uid(SCORE);
      updateLetters =
          updates
              .getSideOutput(ParseModelUpdatesFunction.DEAD_LETTERS)
              .union(scored.getSideOutput(ScoreWindowsWithUpdatesOperator.REJECTED_MODELS));
    }
    SingleOutputStreamOperator<AnomalyRecord> results =
        DataStreamUtils.reinterpretAsKeyedStream(scored, AnomalyRecord::sensorId, Types.STRING)
            .process(new CalibrateScoresFunction(config.scoring()))
            .name(CALIBRATE)
            .uid(CALIBRATE)
            .process(new RouteResults())
            .name(ROUTE)
            .uid(ROUTE);

    List<String> features = layout.featureNames();
    DataStream<DeadLetter> late =
        windows
            .getSideOutput(AssembleWindowFunction.LATE_READINGS)
            .map(reading -> lateLetter(reading, features))
            .returns(TypeInformation.of(DeadLetter.class))
            .name(LATE)
            .uid(LATE);
    DataStream<DeadLetter> conflicting =
        windows
            .getSideOutput(AssembleWindowFunction.CONFLICTING_READINGS)
            .map(conflict -> conflictLetter(conflict, features))
            .returns(TypeInformation.of(DeadLetter.class))
            .name(CONFLICTING)
            .uid(CONFLICTING);
    DataStream<DeadLetter> deadLetters =
        readings
            .getSideOutput(ParseReadingsFunction.DEAD_LETTERS)
            .union(late, conflicting, results.getSideOutput(FAILED_SCORES));
    if (updateLetters != null) {
      deadLetters = deadLetters.union(updateLetters);
    }
    return new Outputs(results, deadLetters);
  }

  /** The origin of a reading for a dead letter: its record's coordinates where known. */
  private static String origin(SensorReading reading) {
    return reading.source() != null ? reading.source() : "sensor:" + reading.sensorId();
  }

  static DeadLetter lateLetter(SensorReading reading, List<String> features) {
    return new DeadLetter(
        RecordJson.reading(reading, features),
        origin(reading),
        "window",
        RejectReason.LATE_READING.name(),
        String.format(
            "reading of %s at %d is older than the newest reading of the sensor already in its"
                + " windows (or, with window.lateness watermark, behind the watermark)",
            reading.sensorId(), reading.timestamp()),
        System.currentTimeMillis());
  }

  static DeadLetter conflictLetter(ConflictingReading conflict, List<String> features) {
    SensorReading reading = conflict.reading();
    return new DeadLetter(
        RecordJson.reading(reading, features),
        origin(reading),
        "window",
        RejectReason.CONFLICTING_DUPLICATE.name(),
        String.format(
            "reading of %s at %d from %s has other values than the one kept, from %s",
            reading.sensorId(),
            reading.timestamp(),
            origin(reading),
            conflict.keptSource() != null ? conflict.keptSource() : "an unknown origin"),
        System.currentTimeMillis());
  }

  /** OK records go on; the rest become dead letters with their status as the reason. */
  static final class RouteResults extends ProcessFunction<AnomalyRecord, AnomalyRecord> {
    @Override
    public void processElement(AnomalyRecord record, Context ctx, Collector<AnomalyRecord> out) {
      if (record.ok()) {
        out.collect(record);
      } else {
        String status = record.status();
        int colon = status.indexOf(':');
        ctx.output(
            FAILED_SCORES,
            new DeadLetter(
                RecordJson.resultBytes(record),
                "sensor:" + record.sensorId(),
                "score",
                colon < 0 ? status : status.substring(0, colon),
                status,
                System.currentTimeMillis()));
      }
    }
  }
}
