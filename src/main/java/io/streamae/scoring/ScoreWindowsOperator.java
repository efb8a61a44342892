package io.streamae.scoring;

import io.streamae.model.inference.BatchInference;
import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.tensor.TensorLayout;
import io.streamae.window.SensorWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by sensor: scores windows with the model bundle loaded in {@link #open} (one model per
 * subtask), many sensors' windows per forward pass, and remembers each sensor's next-step
 * prediction in keyed state, to score it against the reading that actually arrives.
 *
 * <p><b>Micro-batching.</b> Windows wait in the operator until {@code batchSize} of them are there
 * or the oldest has waited {@code maxWait}, then {@link AnomalyScorer#scoreBatch} scores them
 * together and one record per window leaves, in arrival order, with the window's event time. A
 * watermark that arrives while windows wait is held back until their records have left, so no
 * record is ever behind a watermark already passed on; the window stage releases windows in bursts,
 * one per watermark, and holding the watermark lets a batch span several bursts. The batch is also
 * scored before the checkpoint barrier is passed on (so a checkpoint never holds a waiting window:
 * recovery replays it from the source like any other element) and at the end of the input. A batch
 * size of 1 scores each window as it arrives. The records are those of one call per window, up to
 * the batched kernels' float rounding.
 *
 * <p>Models. The bundle at {@code model.path} is the default model; {@link ModelRoutes} may send
 * sensors to other model ids, which score them once a bundle of that id has been published ({@link
 * ScoreWindowsWithUpdatesOperator}). Windows of a batch are scored by their sensor's model ({@link
 * ActiveModels}) and every record names the version that scored it.
 *
 * <p>A bundle that is missing, corrupt or built for other windows stops the job at start-up with a
 * message naming the problem; a window that does not fit becomes a non-OK record.
 */
public class ScoreWindowsOperator extends AbstractStreamOperator<AnomalyRecord>
    implements OneInputStreamOperator<SensorWindow, AnomalyRecord>, BoundedOneInput {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ScoreWindowsOperator.class);

  /** Batch-size histogram: windows per forward pass. */
  public static final String BATCH_SIZE = "batchSize";

  private final String modelPath;
  private final ModelRoutes routes;
  private final TensorLayout expectedLayout;
  private final int batchSize;
  private final long maxWaitMillis;

  /** The subtask's models; scoring and updates happen on the task thread only. */
  protected transient ActiveModels models;

  private transient ValueState<PreviousPrediction> previous;
  private transient List<SensorWindow> waiting;
  private transient long[] eventTimes;
  private transient boolean[] hasEventTime;
  private transient long[] arrivedNanos;

  /** Counts batches, so a wait timer armed for an earlier batch leaves a later one alone. */
  private transient long batchNumber;

  private transient StreamRecord<AnomalyRecord> reuse;

  /** The newest watermark that arrived while windows were waiting, or null. */
  private transient Watermark heldWatermark;

  private transient Counter scored;
  private transient Counter anomalies;
  private transient Counter failures;
  private transient Histogram latency;
  private transient Histogram batchSizes;

  /** When the newest model was installed, epoch ms. */
  protected transient long loadedAt;

  /** The {@code anomaly.model} metric group. */
  protected transient MetricGroup modelGroup;

  /**
   * @param expectedLayout the windows the job builds; the model must consume exactly these
   * @param batchSize most windows per forward pass, at least 1
   * @param maxWait longest a window waits for its batch to fill
   */
  public ScoreWindowsOperator(
      String modelPath, TensorLayout expectedLayout, int batchSize, Duration maxWait) {
    this(modelPath, ModelRoutes.none(), expectedLayout, batchSize, maxWait);
  }

  /**
   * @param routes which model id scores which sensor; sensors without a loaded model score with the
   *     default model at {@code modelPath}
   */
  public ScoreWindowsOperator(
      String modelPath,
      ModelRoutes routes,
      TensorLayout expectedLayout,
      int batchSize,
      Duration maxWait) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("batch wait must not be negative, was " + maxWait);
    }
    this.modelPath = modelPath;
    this.routes = routes;
    this.expectedLayout = expectedLayout;
    this.batchSize = batchSize;
    this.maxWaitMillis = maxWait.toMillis();
  }

  /** Keyed state of the last prediction; a POJO so it serialises without Kryo. */
  public static class PreviousPrediction {
    /** End of the window that made the prediction; {@code Long.MIN_VALUE} in older state. */
    public long windowEnd = Long.MIN_VALUE;

    public long[] timestamps;
    public float[] values;

    public PreviousPrediction() {}
  }

  @Override
  public void open() throws Exception {
    super.open();
    ModelBundle bundle = ModelLoader.load(modelPath);
    checkLayout(bundle, expectedLayout);
    models =
        new ActiveModels(
            bundle, routes, expectedLayout != null ? expectedLayout : bundle.layout(), batchSize);
    AnomalyScorer scorer = models.defaultScorer();
    previous =
        getKeyedStateStore()
            .getState(
                new ValueStateDescriptor<>(
                    "previous-prediction", TypeInformation.of(PreviousPrediction.class)));
    waiting = new ArrayList<>(batchSize);
    eventTimes = new long[batchSize];
    hasEventTime = new boolean[batchSize];
    arrivedNanos = new long[batchSize];
    reuse = new StreamRecord<>(null);

    MetricGroup group = getMetricGroup().addGroup(ScoringMetrics.GROUP);
    MetricGroup scoring = group.addGroup(ScoringMetrics.SCORING);
    scored = scoring.counter(ScoringMetrics.WINDOWS_SCORED);
    anomalies = scoring.counter(ScoringMetrics.ANOMALIES);
    failures = scoring.counter(ScoringMetrics.SCORING_FAILURES);
    latency =
        scoring.histogram(
            ScoringMetrics.SCORING_LATENCY_MS, new DescriptiveStatisticsHistogram(1000));
    batchSizes = scoring.histogram(BATCH_SIZE, new DescriptiveStatisticsHistogram(1000));
    MetricGroup model = group.addGroup(ScoringMetrics.MODEL);
    String version = bundle.versionLabel();
    loadedAt = System.currentTimeMillis();
    modelGroup = model;
    model.gauge(ScoringMetrics.MODEL_VERSION, () -> models.defaultScorer().bundle().versionLabel());
    model.gauge(ScoringMetrics.MODEL_LOADED_AT, () -> loadedAt);
    versionMetric(version);
    LOG.info(
        "model {} loaded from {} (parameters sha256 {}); up to {} windows per forward pass, waiting at most {} ms; kernel {}{}",
        version,
        modelPath,
        bundle.metadata().parameters().sha256(),
        batchSize,
        maxWaitMillis,
        scorer.kernel(),
        BatchInference.vectorKernelAvailable()
            ? ""
            : " (start the JVM with --add-modules jdk.incubator.vector for the faster vector kernel)");
  }

  /**
   * The {@code anomaly.model.modelVersion.<label>} info gauge: 1 while the version scores some
   * sensors of this subtask, 0 after it was replaced.
   */
  protected void versionMetric(String label) {
    modelGroup
        .addGroup(ScoringMetrics.MODEL_VERSION_KEY, label)
        .gauge(ScoringMetrics.MODEL_INFO, () -> models.versions().containsValue(label) ? 1 : 0);
  }

  /** Fails start-up when the model does not consume the windows the job builds. */
  public static void checkLayout(ModelBundle bundle, TensorLayout expected) {
    TensorLayout actual = bundle.layout();
    if (expected != null && !actual.equals(expected)) {
      throw new IllegalStateException(
          String.format(
              "model %s expects windows of %s steps with features %s, the job builds %s steps with features %s",
              bundle.versionLabel(),
              actual.timesteps(),
              actual.featureNames(),
              expected.timesteps(),
              expected.featureNames()));
    }
  }

  @Override
  public void processElement(StreamRecord<SensorWindow> element) throws Exception {
    int slot = waiting.size();
    waiting.add(element.getValue());
    hasEventTime[slot] = element.hasTimestamp();
    eventTimes[slot] = element.getTimestamp();
    arrivedNanos[slot] = System.nanoTime();
    if (waiting.size() >= batchSize || maxWaitMillis == 0) {
      scoreWaiting();
    } else if (slot == 0) {
      long batch = batchNumber;
      getProcessingTimeService()
          .registerTimer(
              getProcessingTimeService().getCurrentProcessingTime() + maxWaitMillis,
              time -> {
                if (batchNumber == batch) {
                  scoreWaiting();
                }
              });
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (waiting.isEmpty()) {
      super.processWatermark(mark);
    } else {
      heldWatermark = mark;
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    scoreWaiting();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void endInput() throws Exception {
    scoreWaiting();
  }

  @Override
  public void finish() throws Exception {
    scoreWaiting();
    super.finish();
  }

  /** Scores the waiting windows in one forward pass and emits their records in arrival order. */
  protected void scoreWaiting() throws Exception {
    if (waiting == null || waiting.isEmpty()) {
      return;
    }
    batchNumber++;
    AnomalyScorer.Batch batch = models.scoreBatch(waiting, this::storedPrediction);
    for (Map.Entry<String, AnomalyScorer.Previous> e : batch.latest().entrySet()) {
      setCurrentKey(e.getKey());
      PreviousPrediction next = new PreviousPrediction();
      next.windowEnd = e.getValue().windowEnd();
      next.timestamps = e.getValue().timestamps();
      next.values = e.getValue().values();
      previous.update(next);
    }
    long now = System.nanoTime();
    List<AnomalyRecord> records = batch.records();
    for (int i = 0; i < records.size(); i++) {
      AnomalyRecord record = records.get(i);
      if (record.ok()) {
        scored.inc();
        if (record.anomalous()) {
          anomalies.inc();
        }
      } else {
        failures.inc();
      }
      latency.update((now - arrivedNanos[i]) / 1_000_000);
      if (hasEventTime[i]) {
        output.collect(reuse.replace(record, eventTimes[i]));
      } else {
        reuse.eraseTimestamp();
        output.collect(reuse.replace(record));
      }
    }
    batchSizes.update(records.size());
    waiting.clear();
    if (heldWatermark != null) {
      Watermark mark = heldWatermark;
      heldWatermark = null;
      super.processWatermark(mark);
    }
  }

  private AnomalyScorer.Previous storedPrediction(String sensorId) {
    setCurrentKey(sensorId);
    try {
      PreviousPrediction state = previous.value();
      return state == null
          ? null
          : new AnomalyScorer.Previous(state.windowEnd, state.timestamps, state.values);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the previous prediction of sensor " + sensorId, e);
    }
  }
}
