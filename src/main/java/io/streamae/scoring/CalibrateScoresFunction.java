package io.streamae.scoring;

import io.streamae.sink.AnomalyRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by sensor, after {@code score-windows}: replaces each record's provisional score with the
 * sensor's calibrated anomaly likelihood ({@link AnomalyLikelihood}) over its reconstruction and
 * prediction errors, decides the alarm ({@code anomalous}) and marks the warm-up windows.
 *
 * <p>Input: {@link AnomalyRecord}s of one sensor in window order (the scoring operator keeps the
 * order of the window assembler). Output: the same records with {@code anomalyScore}, {@code
 * anomalous} and {@code warmingUp} set; raw errors and the bundle threshold stay as they are.
 * Records that are not {@code OK} pass unchanged and do not touch the state. The per-sensor
 * distribution lives in keyed state ({@link AnomalyLikelihood.State}, a POJO), so it survives
 * restarts.
 *
 * <p>The state also remembers the model version it calibrated. When a record of another version
 * arrives (the sensor's model was swapped), the distribution starts afresh from the new version's
 * own validation errors ({@link ModelPriors}, {@link AnomalyLikelihood.State#fromPrior}), not from
 * the old model's history, so a model with another error scale raises no alarm storm.
 */
public class CalibrateScoresFunction
    extends KeyedProcessFunction<String, AnomalyRecord, AnomalyRecord> {
  private final AnomalyLikelihood.Settings settings;
  private transient AnomalyLikelihood likelihood;
  private transient ValueState<AnomalyLikelihood.State> state;
  private transient ValueState<String> calibratedVersion;
  private transient Counter alarms;
  private transient Counter warmingUp;

  public CalibrateScoresFunction(AnomalyLikelihood.Settings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext context) {
    likelihood = new AnomalyLikelihood(settings);
    state =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "anomaly-reference", TypeInformation.of(AnomalyLikelihood.State.class)));
    calibratedVersion =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("calibrated-version", TypeInformation.of(String.class)));
    MetricGroup group =
        getRuntimeContext()
            .getMetricGroup()
            .addGroup(ScoringMetrics.GROUP)
            .addGroup(ScoringMetrics.SCORING);
    alarms = group.counter(ScoringMetrics.ALARMS);
    warmingUp = group.counter(ScoringMetrics.WINDOWS_WARMING_UP);
  }

  @Override
  public void processElement(AnomalyRecord record, Context ctx, Collector<AnomalyRecord> out)
      throws Exception {
    if (!record.ok()) {
      out.collect(record);
      return;
    }
    AnomalyLikelihood.State current = state.value();
    String version = calibratedVersion.value();
    if (current == null) {
      current = AnomalyLikelihood.State.create(settings);
    } else if (version != null && !version.equals(record.modelVersion())) {
      AnomalyLikelihood.Prior prior = ModelPriors.lookup(record.modelVersion());
      current =
          prior == null
              ? AnomalyLikelihood.State.create(settings)
              : AnomalyLikelihood.State.fromPrior(settings, prior, current);
    }
    if (record.modelVersion() != null && !record.modelVersion().equals(version)) {
      calibratedVersion.update(record.modelVersion());
    }
    AnomalyLikelihood.Result result =
        likelihood.update(
            current,
            record.reconstructionError(),
            record.featureErrors(),
            record.predictionError(),
            record.lastValues(),
            record.windowEnd());
    state.update(current);
    if (result.warmingUp()) {
      warmingUp.inc();
    }
    if (result.anomalous()) {
      alarms.inc();
    }
    out.collect(record.withCalibration(result.score(), result.anomalous(), result.warmingUp()));
  }
}
