package io.streamae.scoring;

import io.streamae.ingest.DeadLetter;
import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.tensor.TensorLayout;
import io.streamae.window.SensorWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code score-windows} with a second, broadcast input of {@link ModelUpdate}s: the models change
 * while the job runs, on every parallel subtask, without a restart.
 *
 * <p>Input 1: windows, keyed by sensor, scored as in {@link ScoreWindowsOperator}. Input 2: model
 * updates, broadcast (every subtask sees every update in the same order). Output: records, each
 * naming the version that scored it; a refused update becomes a dead letter ({@link
 * #REJECTED_MODELS}, reason {@value #MODEL_REJECTED}, sent by subtask 0 only, so once per update).
 *
 * <ol>
 *   <li>An update is verified before use ({@link ModelLoader#loadVerified}: checksum, format, id
 *       and version, window size and features) and its model id must be the default model's or one
 *       {@code model.routes} names. A refused update changes nothing: the old model goes on
 *       scoring. An update of the version already in use is a no-op.
 *   <li>A verified update takes effect between batches: the windows that arrived before it are
 *       scored with the old model first.
 *   <li>The updates in force, one per model id, are kept in broadcast state; a restore reloads
 *       their bundles from their URIs before the first window is scored, so windows replayed after
 *       a failure are scored with the version that was active at the checkpoint. A bundle that
 *       cannot be reloaded then fails the start with the reason.
 * </ol>
 *
 * The update input carries no event time: its watermarks are ignored, the windows' pass through.
 */
public class ScoreWindowsWithUpdatesOperator extends ScoreWindowsOperator
    implements TwoInputStreamOperator<SensorWindow, ModelUpdate, AnomalyRecord>, BoundedMultiInput {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ScoreWindowsWithUpdatesOperator.class);

  /** Dead-letter reason of a refused model update. */
  public static final String MODEL_REJECTED = "MODEL_REJECTED";

  /** Dead-letter stage of model updates. */
  public static final String STAGE = "model";

  public static final OutputTag<DeadLetter> REJECTED_MODELS =
      new OutputTag<>("rejected-models", TypeInformation.of(DeadLetter.class));

  /** The updates in force, by model id. */
  public static final MapStateDescriptor<String, ModelUpdate> UPDATES =
      new MapStateDescriptor<>(
          "model-updates", Types.STRING, TypeInformation.of(ModelUpdate.class));

  private final TensorLayout layout;

  private transient BroadcastState<String, ModelUpdate> inForce;
  private transient List<ModelUpdate> restored;
  private transient Counter applied;
  private transient Counter rejected;

  public ScoreWindowsWithUpdatesOperator(
      String modelPath, ModelRoutes routes, TensorLayout layout, int batchSize, Duration maxWait) {
    super(modelPath, routes, layout, batchSize, maxWait);
    this.layout = layout;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    inForce = context.getOperatorStateStore().getBroadcastState(UPDATES);
    restored = new ArrayList<>();
    for (Map.Entry<String, ModelUpdate> e : inForce.entries()) {
      restored.add(e.getValue());
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    var group = getMetricGroup().addGroup(ScoringMetrics.GROUP).addGroup(ScoringMetrics.MODEL);
    applied = group.counter(ScoringMetrics.MODEL_UPDATES_APPLIED);
    rejected = group.counter(ScoringMetrics.MODEL_UPDATES_REJECTED);
    for (ModelUpdate update : restored) {
      ModelBundle bundle;
      try {
        bundle = ModelLoader.loadVerified(update, models.layout());
      } catch (ModelLoader.RejectedModelException e) {
        throw new IllegalStateException(
            String.format(
                "model %s was in use at the checkpoint but cannot be reloaded: %s",
                update.versionLabel(), e.getMessage()),
            e);
      }
      install(update, bundle);
    }
    restored = null;
  }

  @Override
  public void processElement1(StreamRecord<SensorWindow> element) throws Exception {
    processElement(element);
  }

  @Override
  public void processElement2(StreamRecord<ModelUpdate> element) throws Exception {
    ModelUpdate update = element.getValue();
    if (update.versionLabel().equals(models.version(update.modelId()))) {
      inForce.put(update.modelId(), update);
      return;
    }
    String refusal = models.refusal(update);
    if (refusal != null) {
      reject(update, refusal);
      return;
    }
    ModelBundle bundle;
    try {
      bundle = ModelLoader.loadVerified(update, models.layout());
    } catch (ModelLoader.RejectedModelException e) {
      reject(update, e.getMessage());
      return;
    }
    // Between batches: what arrived before the update is scored with the model it arrived under.
    scoreWaiting();
    install(update, bundle);
    applied.inc();
  }

  private void install(ModelUpdate update, ModelBundle bundle) throws Exception {
    String before = models.version(update.modelId());
    models.install(bundle);
    inForce.put(update.modelId(), update);
    loadedAt = System.currentTimeMillis();
    versionMetric(bundle.versionLabel());
    LOG.info(
        "model {} now scores (was {}), loaded from {} (sha256 {})",
        bundle.versionLabel(),
        before == null ? "the default model" : before,
        update.uri(),
        update.sha256());
  }

  private void reject(ModelUpdate update, String reason) {
    rejected.inc();
    LOG.warn("model update {} from {} refused: {}", update.versionLabel(), update.uri(), reason);
    if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
      output.collect(
          REJECTED_MODELS,
          new StreamRecord<>(
              new DeadLetter(
                  update.toJson(),
                  "model-update:" + update.versionLabel(),
                  STAGE,
                  MODEL_REJECTED,
                  String.format(
                      "%s refused, the model in use keeps scoring: %s",
                      update.versionLabel(), reason),
                  System.currentTimeMillis())));
    }
  }

  @Override
  public void processWatermark1(Watermark mark) throws Exception {
    processWatermark(mark);
  }

  @Override
  public void processWatermark2(Watermark mark) {
    // model updates carry no event time
  }

  @Override
  protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
    if (index == 0) {
      output.emitWatermarkStatus(status);
    }
  }

  @Override
  public void endInput(int inputId) throws Exception {
    if (inputId == 1) {
      endInput();
    }
  }
}
