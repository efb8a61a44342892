package io.streamae.window;

import io.streamae.ingest.SensorReading;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
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
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by sensor: turns readings into sliding windows of {@code size} readings in event-time
 * order.
 *
 * <p>Place in the pipeline: after {@code parse-readings}, keyed by sensor id; its windows go to
 * {@code score-windows}. Input: {@link SensorReading}s with event time and watermarks. Output:
 * {@link SensorWindow}s stamped with their last reading; side outputs {@link #LATE_READINGS} and
 * {@link #CONFLICTING_READINGS}.
 *
 * <ol>
 *   <li>A reading newer than the watermark waits in keyed state ({@code pending-readings}) until
 *       the watermark passes it (the watermark trails the newest reading by the configured
 *       out-of-orderness), so readings shuffled within that bound join the windows in order.
 *   <li>Released: a waiting reading joins the sensor's buffer when the watermark passes it, or, at
 *       the latest, {@code maxStaleness} of processing time after it arrived (a per-sensor
 *       processing-time timer), together with every older waiting reading of the sensor; windows
 *       completed that way say {@link SensorWindow#releasedByTimeout()}. So a sensor's newest
 *       reading is scored even when no later reading and no watermark ever comes.
 *   <li>Late ({@link Lateness}): a reading older than the newest reading its sensor released goes
 *       to {@link #LATE_READINGS}. Under {@link Lateness#SENSOR} a reading behind the watermark but
 *       newer than that is released at once (every waiting reading is newer than the watermark, so
 *       order holds); under {@link Lateness#WATERMARK} it is late too.
 *   <li>Duplicates: a reading with the timestamp of a waiting reading or of the newest released one
 *       is dropped and counted when its values are the same (a repeat), and goes to {@link
 *       #CONFLICTING_READINGS} with the kept reading's origin when they differ.
 * </ol>
 *
 * A sensor's window buffer expires after {@code stateTtl} without readings, so sensors that go
 * silent cost nothing; waiting readings never expire (they leave through a timer), so none is lost
 * silently. Counters under {@code anomaly.window}: {@code lateReadings}, {@code duplicateReadings},
 * {@code conflictingReadings}, {@code staleReleases}, {@code gapRestarts}, {@code filledValues},
 * {@code windowsAssembled}.
 */
public class AssembleWindowFunction
    extends KeyedProcessFunction<String, SensorReading, SensorWindow> {
  public static final OutputTag<SensorReading> LATE_READINGS =
      new OutputTag<>("late-readings", TypeInformation.of(SensorReading.class));

  public static final OutputTag<ConflictingReading> CONFLICTING_READINGS =
      new OutputTag<>("conflicting-readings", TypeInformation.of(ConflictingReading.class));

  private final WindowSpec spec;
  private final Duration stateTtl;
  private final Lateness lateness;
  private final Duration maxStaleness;
  private transient WindowAssembler assembler;
  private transient ValueState<WindowState> buffer;
  private transient MapState<Long, float[]> pending;
  private transient MapState<Long, PendingOrigin> origins;
  private transient ValueState<Long> staleDeadline;
  private transient Counter late;
  private transient Counter duplicates;
  private transient Counter conflicts;
  private transient Counter staleReleases;
  private transient Counter restarts;
  private transient Counter bridged;
  private transient Counter filled;
  private transient Counter windows;

  /** Sensor lateness, no staleness bound: readings wait for the watermark however long it takes. */
  public AssembleWindowFunction(WindowSpec spec, Duration stateTtl) {
    this(spec, stateTtl, Lateness.SENSOR, null);
  }

  /**
   * @param maxStaleness longest a reading waits for the watermark, processing time; null for no
   *     bound
   */
  public AssembleWindowFunction(
      WindowSpec spec, Duration stateTtl, Lateness lateness, Duration maxStaleness) {
    if (maxStaleness != null && (maxStaleness.isNegative() || maxStaleness.isZero())) {
      throw new IllegalArgumentException(
          String.format("maximum staleness must be positive, was %s", maxStaleness));
    }
    this.spec = spec;
    this.stateTtl = stateTtl;
    this.lateness = lateness;
    this.maxStaleness = maxStaleness;
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
    // No TTL on what waits: a pending reading always leaves through a timer, never by expiry.
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending-readings",
                    Types.LONG,
                    PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
    origins =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending-origins", Types.LONG, TypeInformation.of(PendingOrigin.class)));
    staleDeadline =
        getRuntimeContext().getState(new ValueStateDescriptor<>("stale-deadline", Types.LONG));

    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("anomaly").addGroup("window");
    late = group.counter("lateReadings");
    duplicates = group.counter("duplicateReadings");
    conflicts = group.counter("conflictingReadings");
    staleReleases = group.counter("staleReleases");
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
    long last = state == null ? Long.MIN_VALUE : state.lastTimestamp();
    float[] waiting = pending.get(ts);
    if (waiting != null || (last != Long.MIN_VALUE && ts == last)) {
      boolean repeat =
          waiting != null
              ? Arrays.equals(waiting, reading.values())
              : state.lastValuesEqual(reading.values());
      if (repeat) {
        duplicates.inc();
      } else {
        conflicts.inc();
        String kept = waiting != null ? sourceOf(origins.get(ts)) : state.lastSource;
        ctx.output(CONFLICTING_READINGS, new ConflictingReading(reading, kept));
      }
      return;
    }
    long watermark = ctx.timerService().currentWatermark();
    boolean behindWatermark = ts <= watermark;
    if (ts < last || (behindWatermark && lateness == Lateness.WATERMARK)) {
      late.inc();
      ctx.output(LATE_READINGS, reading);
      return;
    }
    if (behindWatermark) {
      // Every waiting reading is newer than the watermark, so this one is next in order.
      append(state, ctx.getCurrentKey(), ts, reading.values(), reading.source(), false, out);
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    pending.put(ts, reading.values());
    origins.put(ts, new PendingOrigin(reading.source(), now));
    ctx.timerService().registerEventTimeTimer(ts);
    if (maxStaleness != null && staleDeadline.value() == null) {
      long deadline = now + maxStaleness.toMillis();
      staleDeadline.update(deadline);
      ctx.timerService().registerProcessingTimeTimer(deadline);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SensorWindow> out)
      throws Exception {
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      releaseStale(timestamp, ctx, out);
      return;
    }
    float[] values = pending.get(timestamp);
    if (values == null) {
      return; // released earlier by the staleness bound
    }
    PendingOrigin origin = origins.get(timestamp);
    pending.remove(timestamp);
    origins.remove(timestamp);
    append(buffer.value(), ctx.getCurrentKey(), timestamp, values, sourceOf(origin), false, out);
    if (maxStaleness != null && pending.isEmpty()) {
      Long deadline = staleDeadline.value();
      if (deadline != null) {
        ctx.timerService().deleteProcessingTimeTimer(deadline);
        staleDeadline.clear();
      }
    }
  }

  /**
   * Releases every waiting reading up to the newest one that has waited {@code maxStaleness}, in
   * event-time order, and sets the next deadline by the oldest arrival among those left.
   */
  private void releaseStale(long now, OnTimerContext ctx, Collector<SensorWindow> out)
      throws Exception {
    staleDeadline.clear();
    if (maxStaleness == null) {
      return;
    }
    TreeSet<Long> waiting = new TreeSet<>();
    long cutoff = Long.MIN_VALUE;
    long bound = maxStaleness.toMillis();
    for (Map.Entry<Long, PendingOrigin> entry : origins.entries()) {
      waiting.add(entry.getKey());
      // A reading restored without its arrival time counts as arrived now.
      long arrived = entry.getValue() == null ? now : entry.getValue().arrivedAt;
      if (arrived + bound <= now) {
        cutoff = Math.max(cutoff, entry.getKey());
      }
    }
    for (Long ts : pending.keys()) {
      waiting.add(ts); // a reading restored without its origin, if any
    }
    long nextDeadline = Long.MAX_VALUE;
    WindowState state = buffer.value();
    for (long ts : waiting) {
      PendingOrigin origin = origins.get(ts);
      if (ts <= cutoff) {
        float[] values = pending.get(ts);
        pending.remove(ts);
        origins.remove(ts);
        staleReleases.inc();
        state = append(state, ctx.getCurrentKey(), ts, values, sourceOf(origin), true, out);
      } else {
        long arrived = origin == null ? now : origin.arrivedAt;
        nextDeadline = Math.min(nextDeadline, arrived + bound);
      }
    }
    if (nextDeadline != Long.MAX_VALUE) {
      staleDeadline.update(nextDeadline);
      ctx.timerService().registerProcessingTimeTimer(nextDeadline);
    }
  }

  /** Appends one released reading to the sensor's buffer, emitting the window it completes. */
  private WindowState append(
      WindowState state,
      String sensorId,
      long timestamp,
      float[] values,
      String source,
      boolean byTimeout,
      Collector<SensorWindow> out)
      throws Exception {
    if (state == null) {
      state = WindowState.empty(spec);
    }
    WindowAssembler.Step step = assembler.append(state, sensorId, timestamp, values);
    state.lastSource = source;
    buffer.update(state);
    if (step.gap() == WindowAssembler.GapOutcome.RESTARTED) {
      restarts.inc();
    } else if (step.gap() == WindowAssembler.GapOutcome.BRIDGED) {
      bridged.inc();
    }
    filled.inc(step.filledSteps());
    if (step.window() != null) {
      windows.inc();
      if (byTimeout) {
        // A processing-time timer emits without event time; the window keeps its last reading's.
        if (out instanceof TimestampedCollector<SensorWindow> stamped) {
          stamped.setAbsoluteTimestamp(timestamp);
        }
        out.collect(step.window().withReleasedByTimeout());
      } else {
        out.collect(step.window());
      }
    }
    return state;
  }

  private static String sourceOf(PendingOrigin origin) {
    return origin == null ? null : origin.source;
  }
}
