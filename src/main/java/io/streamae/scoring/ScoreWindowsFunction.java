package io.streamae.scoring;

import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.tensor.TensorLayout;
import io.streamae.window.SensorWindow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by sensor: scores each window with the model bundle loaded in {@link #open} (one model per
 * subtask) and remembers the window's next-step prediction in keyed state, to score it against the
 * reading that actually arrives.
 *
 * <p>A bundle that is missing, corrupt or built for other windows stops the job at start-up with a
 * message naming the problem; a window that does not fit becomes a non-OK record.
 */
public class ScoreWindowsFunction extends RichMapFunction<SensorWindow, AnomalyRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreWindowsFunction.class);

  private final String modelPath;
  private final TensorLayout expectedLayout;
  private transient AnomalyScorer scorer;
  private transient ValueState<PreviousPrediction> previous;
  private transient Counter scored;
  private transient Counter anomalies;
  private transient Counter failures;
  private transient Histogram latency;

  /**
   * @param expectedLayout the windows the job builds; the model must consume exactly these
   */
  public ScoreWindowsFunction(String modelPath, TensorLayout expectedLayout) {
    this.modelPath = modelPath;
    this.expectedLayout = expectedLayout;
  }

  /** Keyed state of the last prediction; a POJO so it serialises without Kryo. */
  public static class PreviousPrediction {
    public long[] timestamps;
    public float[] values;

    public PreviousPrediction() {}
  }

  @Override
  public void open(OpenContext context) throws Exception {
    ModelBundle bundle = ModelLoader.load(modelPath);
    checkLayout(bundle, expectedLayout);
    scorer = new AnomalyScorer(bundle);
    previous =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("previous-prediction", TypeInformation.of(PreviousPrediction.class)));
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup(ScoringMetrics.GROUP);
    MetricGroup scoring = group.addGroup(ScoringMetrics.SCORING);
    scored = scoring.counter(ScoringMetrics.WINDOWS_SCORED);
    anomalies = scoring.counter(ScoringMetrics.ANOMALIES);
    failures = scoring.counter(ScoringMetrics.SCORING_FAILURES);
    latency = scoring.histogram(ScoringMetrics.SCORING_LATENCY_MS, new DescriptiveStatisticsHistogram(1000));
    MetricGroup model = group.addGroup(ScoringMetrics.MODEL);
    String version = bundle.versionLabel();
    long loadedAt = System.currentTimeMillis();
    model.gauge(ScoringMetrics.MODEL_VERSION, () -> version);
    model.gauge(ScoringMetrics.MODEL_LOADED_AT, () -> loadedAt);
    LOG.info(
        "model {} loaded from {} (parameters sha256 {})",
        version, modelPath, bundle.metadata().parameters().sha256());
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
  public AnomalyRecord map(SensorWindow window) throws Exception {
    long start = System.nanoTime();
    PreviousPrediction state = previous.value();
    AnomalyScorer.Previous prior =
        state == null ? null : new AnomalyScorer.Previous(state.timestamps, state.values);
    AnomalyScorer.Scored result = scorer.score(window, prior);
    if (result.next() != null) {
      PreviousPrediction next = new PreviousPrediction();
      next.timestamps = result.next().timestamps();
      next.values = result.next().values();
      previous.update(next);
    }
    AnomalyRecord record = result.record();
    if (record.ok()) {
      scored.inc();
      if (record.anomalous()) {
        anomalies.inc();
      }
    } else {
      failures.inc();
    }
    latency.update((System.nanoTime() - start) / 1_000_000);
    return record;
  }
}
