package io.streamae.window;

import io.streamae.ingest.SensorReading;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by sensor: turns readings into sliding windows of {@code size} readings in event-time
 * order.
 *
 * <p>A reading waits in keyed state until the watermark passes its timestamp (the watermark
 * trails the newest reading by the configured out-of-orderness), then joins the sensor's buffer
 * in order. Readings at or behind the watermark go to {@link #LATE_READINGS}; a second reading
 * with the same timestamp is dropped as a duplicate. Both are counted. Every emitted window
 * carries the event time of its last reading. A sensor's window buffer expires after {@code
 * stateTtl} without readings, so sensors that go silent cost nothing; readings still waiting for
 * the watermark never expire, so none is lost silently.
 */
public class AssembleWindowFunction extends KeyedProcessFunction<String, SensorReading, SensorWindow> {
  public static final OutputTag<SensorReading> LATE_READINGS =
      new OutputTag<>("late-readings", TypeInformation.of(SensorReading.class));

  private final WindowSpec spec;
  private final Duration stateTtl;
  private transient WindowAssembler assembler;
  private transient ValueState<WindowState> buffer;
  private transient MapState<Long, float[]> pending;
  private transient Counter late;
  private transient Counter duplicates;
  private transient Counter restarts;
  private transient Counter bridged;
  private transient Counter filled;
  private transient Counter windows;

  public AssembleWindowFunction(WindowSpec spec, Duration stateTtl) {
    this.spec = spec;
    this.stateTtl = stateTtl;
  }

  @Override
  public void open(OpenContext context) {
    assembler = new WindowAssembler(spec);
    StateTtlConfig ttl =
        StateTtlConfig.newBuilder(stateTtl)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            .build();
    ValueStateDescriptor<WindowState> bufferDescriptor =
        new ValueStateDescriptor<>("window-buffer", TypeInformation.of(WindowState.class));
    bufferDescriptor.enableTimeToLive(ttl);
    buffer = getRuntimeContext().getState(bufferDescriptor);
    MapStateDescriptor<Long, float[]> pendingDescriptor =
        new MapStateDescriptor<>(
            "pending-readings", Types.LONG, PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO);
    // No TTL here: a pending reading always leaves through its timer, never by expiry.
    pending = getRuntimeContext().getMapState(pendingDescriptor);

    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("anomaly").addGroup("window");
    late = group.counter("lateReadings");
    duplicates = group.counter("duplicateReadings");
    restarts = group.counter("gapRestarts");
    bridged = group.counter("gapsBridged");
    filled = group.counter("filledValues");
    windows = group.counter("windowsAssembled");
  }

  @Override
  public void processElement(SensorReading reading, Context ctx, Collector<SensorWindow> out)
      throws Exception {
    long ts = reading.timestamp();
    WindowState state = buffer.value();
    if (pending.contains(ts) || (state != null && state.count > 0 && state.lastTimestamp() == ts)) {
      duplicates.inc();
      return;
    }
    if (ts <= ctx.timerService().currentWatermark()
        || (state != null && state.count > 0 && ts < state.lastTimestamp())) {
      late.inc();
      ctx.output(LATE_READINGS, reading);
      return;
    }
    pending.put(ts, reading.values());
    ctx.timerService().registerEventTimeTimer(ts);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SensorWindow> out)
      throws Exception {
    float[] values = pending.get(timestamp);
    if (values == null) {
      return;
    }
    pending.remove(timestamp);
    WindowState state = buffer.value();
    if (state == null) {
      state = WindowState.empty(spec);
    }
    WindowAssembler.Step step = assembler.append(state, ctx.getCurrentKey(), timestamp, values);
    buffer.update(state);
    if (step.gap() == WindowAssembler.GapOutcome.RESTARTED) {
      restarts.inc();
    } else if (step.gap() == WindowAssembler.GapOutcome.BRIDGED) {
      bridged.inc();
    }
    filled.inc(step.filledSteps());
    if (step.window() != null) {
      windows.inc();
      out.collect(step.window());
    }
  }
}
