package io.streamae.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.ingest.SensorReading;
import io.streamae.testkit.MeteredEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AssembleWindowFunction} in a keyed operator harness: readings go in with their event time,
 * watermarks trail the newest reading by {@link #OUT_OF_ORDERNESS} as the job's bounded
 * out-of-orderness strategy does, and windows, late readings, timers and metrics come out.
 */
class AssembleWindowFunctionTest {

  private static final long T0 = Instant.parse("2025-01-06T08:00:00Z").toEpochMilli();
  private static final long MINUTE = Duration.ofMinutes(1).toMillis();
  private static final long SECOND = Duration.ofSeconds(1).toMillis();

  /** Processing time when the tests start: the readings arrive as they are taken. */
  private static final long NOW = T0;

  private static final Duration OUT_OF_ORDERNESS = Duration.ofMinutes(2);
  private static final Duration MAX_GAP = Duration.ofSeconds(90);
  private static final Duration STATE_TTL = Duration.ofHours(1);
  private static final int SIZE = 3;
  private static final int FEATURES = 2;

  private static final WindowSpec SLIDE_1 =
      new WindowSpec(SIZE, 1, FEATURES, MAX_GAP, GapPolicy.RESTART);
  private static final WindowSpec SLIDE_2 =
      new WindowSpec(SIZE, 2, FEATURES, MAX_GAP, GapPolicy.RESTART);
  private static final WindowSpec FILL_GAPS =
      new WindowSpec(SIZE, 1, FEATURES, MAX_GAP, GapPolicy.FILL);

  /** Sampled every minute on the minute. */
  private static final Readings PUMP_7 = Readings.sensor("pump-7").level(20);

  /** Sampled every minute, half a minute after pump-7. */
  private static final Readings FAN_2 =
      Readings.sensor("fan-2").level(70).offset(Duration.ofSeconds(30));

  private final List<WindowStage> opened = new ArrayList<>();

  @AfterEach
  void closeStages() throws Exception {
    for (WindowStage stage : opened) {
      stage.close();
    }
  }

  @Test
  void windowsReadingsOutOfOrderWithinTheBoundInEventTimeOrder() throws Exception {
    WindowStage stage = open(SLIDE_1);

    stage.send(PUMP_7.atMinutes(0, 2, 1));
    assertThat(stage.windows()).as("nothing is complete before the watermark passes").isEmpty();
    assertThat(stage.pendingTimers()).isEqualTo(3);

    stage.send(PUMP_7.atMinutes(3, 5, 4));
    stage.endOfInput();

    assertThat(stage.windows())
        .containsExactly(
            PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3),
            PUMP_7.window(2, 3, 4), PUMP_7.window(3, 4, 5));
    assertThat(stage.lateReadings()).isEmpty();
    assertThat(stage.counter("windowsAssembled")).isEqualTo(4);
    assertThat(stage.counter("lateReadings")).isZero();
    stage.assertEachWindowStampedWithItsLastReading();
  }

  @Test
  void sendsReadingsBehindTheWatermarkToLateReadingsUnderTheWatermarkRule() throws Exception {
    WindowStage stage = open(watermarkRule(SLIDE_1));
    stage.send(PUMP_7.atMinutes(0, 1, 2, 3, 4, 5)); // watermark now 2:59.999 past T0
    SensorReading behindWatermark = PUMP_7.level(99).at(PUMP_7.time(2) + 30 * SECOND);
    SensorReading olderThanLastAppended = PUMP_7.level(99).at(PUMP_7.time(0) + 30 * SECOND);

    stage.send(behindWatermark, olderThanLastAppended);
    stage.endOfInput();

    assertThat(stage.lateReadings()).containsExactly(behindWatermark, olderThanLastAppended);
    assertThat(stage.windows())
        .containsExactly(
            PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3),
            PUMP_7.window(2, 3, 4), PUMP_7.window(3, 4, 5));
    assertThat(stage.counter("lateReadings")).isEqualTo(2);
    assertThat(stage.counter("duplicateReadings")).isZero();
  }

  @Test
  void treatsAReadingExactlyAtTheWatermarkAsLateUnderTheWatermarkRule() throws Exception {
    WindowStage stage = open(watermarkRule(SLIDE_1));
    stage.send(PUMP_7.atMinutes(0, 1, 2));
    long watermark = PUMP_7.time(2) + 30 * SECOND;
    stage.watermark(watermark);

    SensorReading atWatermark = PUMP_7.at(watermark);
    SensorReading justAfter = PUMP_7.at(watermark + 1);
    stage.send(atWatermark, justAfter);
    stage.endOfInput();

    assertThat(stage.lateReadings()).containsExactly(atWatermark);
    assertThat(stage.windows())
        .extracting(SensorWindow::end)
        .containsExactly(PUMP_7.time(2), watermark + 1);
  }

  @Test
  void dropsAndCountsARepeatOfAPendingReading() throws Exception {
    WindowStage stage = open(SLIDE_1);

    stage.send(PUMP_7.atMinutes(0, 1));
    stage.send(PUMP_7.atMinute(1));
    assertThat(stage.pendingTimers()).as("no second timer for the repeat").isEqualTo(2);
    stage.send(PUMP_7.atMinute(2));
    stage.endOfInput();

    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2));
    assertThat(stage.lateReadings()).isEmpty();
    assertThat(stage.conflicts()).isEmpty();
    assertThat(stage.counter("duplicateReadings")).isEqualTo(1);
    assertThat(stage.counter("lateReadings")).isZero();
  }

  @Test
  void dropsAndCountsARepeatOfTheLastAppendedReading() throws Exception {
    WindowStage stage = open(SLIDE_1);
    stage.send(PUMP_7.atMinutes(0, 1, 2));
    stage.watermark(PUMP_7.time(2));
    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2));

    stage.send(PUMP_7.atMinute(2));
    stage.send(PUMP_7.atMinute(3));
    stage.endOfInput();

    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3));
    assertThat(stage.lateReadings()).isEmpty();
    assertThat(stage.conflicts()).isEmpty();
    assertThat(stage.counter("duplicateReadings")).isEqualTo(1);
  }

  @Test
  void sendsAConflictingDuplicateOfAPendingReadingOutWithBothOrigins() throws Exception {
    WindowStage stage = open(SLIDE_1);
    stage.send(PUMP_7.atMinute(0), PUMP_7.atMinute(1).withSource("kafka:readings/0@11"));

    SensorReading other = PUMP_7.level(99).atMinute(1).withSource("kafka:readings/0@12");
    stage.send(other);
    stage.send(PUMP_7.atMinute(2));
    stage.endOfInput();

    assertThat(stage.conflicts())
        .containsExactly(new ConflictingReading(other, "kafka:readings/0@11"));
    assertThat(stage.windows()).as("the first one is kept").containsExactly(PUMP_7.window(0, 1, 2));
    assertThat(stage.counter("conflictingReadings")).isEqualTo(1);
    assertThat(stage.counter("duplicateReadings")).isZero();
    assertThat(stage.lateReadings()).isEmpty();
  }

  @Test
  void sendsAConflictingDuplicateOfTheLastAppendedReadingOutWithBothOrigins() throws Exception {
    WindowStage stage = open(SLIDE_1);
    stage.send(PUMP_7.atMinutes(0, 1));
    stage.send(PUMP_7.atMinute(2).withSource("kafka:readings/1@7"));
    stage.watermark(PUMP_7.time(2));

    SensorReading other = PUMP_7.level(99).atMinute(2).withSource("kafka:readings/1@9");
    stage.send(other);
    stage.endOfInput();

    assertThat(stage.conflicts())
        .containsExactly(new ConflictingReading(other, "kafka:readings/1@7"));
    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2));
    assertThat(stage.counter("conflictingReadings")).isEqualTo(1);
  }

  @Test
  void routesARepeatOfAnOlderAppendedReadingToLateReadingsNotIntoAWindow() throws Exception {
    WindowStage stage = open(SLIDE_1);
    stage.send(PUMP_7.atMinutes(0, 1, 2));
    stage.watermark(PUMP_7.time(2));

    SensorReading repeat = PUMP_7.level(99).atMinute(1);
    stage.send(repeat);
    stage.send(PUMP_7.atMinute(3));
    stage.endOfInput();

    // Only the newest appended timestamp is remembered; older repeats are simply late.
    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3));
    assertThat(stage.lateReadings()).containsExactly(repeat);
  }

  // ---- lateness judged by the sensor's own progress ------------------------------------------

  @Test
  void takesInOrderReadingsOfASensorBehindTheWatermarkAfterItsInputPaused() throws Exception {
    WindowStage stage = open(SLIDE_1);
    stage.send(PUMP_7.atMinutes(0, 1, 2));
    stage.send(FAN_2.atMinutes(0, 1, 2));
    // pump-7's partition pauses; fan-2's runs on and takes the watermark past pump-7's next ones.
    stage.send(FAN_2.everyMinute(3, 12));
    assertThat(stage.windowsOf(PUMP_7)).containsExactly(PUMP_7.window(0, 1, 2));

    stage.send(PUMP_7.everyMinute(3, 5));

    assertThat(stage.lateReadings()).isEmpty();
    assertThat(stage.windowsOf(PUMP_7))
        .as("released at once: every waiting reading of pump-7 is newer")
        .containsExactly(
            PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3),
            PUMP_7.window(2, 3, 4), PUMP_7.window(3, 4, 5));
    stage.endOfInput();
    assertThat(stage.windowsOf(FAN_2)).hasSize(11);
    assertThat(stage.counter("lateReadings")).isZero();
    stage.assertEachWindowStampedWithItsLastReading();
  }

  @Test
  void sendsAReadingOlderThanItsSensorsNewestReleasedOneToLateReadings() throws Exception {
    WindowStage stage = open(SLIDE_1);
    stage.send(PUMP_7.atMinutes(0, 1, 2));
    stage.send(FAN_2.everyMinute(0, 12));
    stage.send(PUMP_7.atMinutes(3, 4, 5));
    SensorReading older = PUMP_7.level(99).at(PUMP_7.time(4) + 30 * SECOND);
    SensorReading newer = PUMP_7.atMinute(6);

    stage.send(older, newer);
    stage.endOfInput();

    assertThat(stage.lateReadings()).containsExactly(older);
    assertThat(stage.windowsOf(PUMP_7))
        .extracting(SensorWindow::end)
        .containsExactly(
            PUMP_7.time(2), PUMP_7.time(3), PUMP_7.time(4), PUMP_7.time(5), PUMP_7.time(6));
  }

  // ---- bounded staleness ------------------------------------------------------------------------

  @Test
  void releasesASensorsWaitingReadingsAfterMaxStalenessWithoutAnyWatermark() throws Exception {
    WindowStage stage = open(staleAfter(SLIDE_1, Duration.ofMinutes(1)));
    stage.send(PUMP_7.atMinutes(0, 1, 2));
    assertThat(stage.processingTimers()).as("one staleness timer per sensor").isEqualTo(1);

    stage.advanceProcessingTime(Duration.ofSeconds(59));
    assertThat(stage.windows()).as("still within the bound").isEmpty();
    stage.advanceProcessingTime(Duration.ofSeconds(1));

    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2).withReleasedByTimeout());
    assertThat(stage.counter("staleReleases")).isEqualTo(3);
    assertThat(stage.processingTimers()).isZero();
    stage.assertEachWindowStampedWithItsLastReading();

    stage.send(PUMP_7.atMinute(3));
    stage.endOfInput();
    assertThat(stage.windows())
        .as("the watermark releases what comes next")
        .containsExactly(PUMP_7.window(0, 1, 2).withReleasedByTimeout(), PUMP_7.window(1, 2, 3));
  }

  @Test
  void releasesOnlyReadingsThatWaitedTheBoundAndTheOlderOnesBeforeThem() throws Exception {
    WindowStage stage = open(staleAfter(SLIDE_1, Duration.ofMinutes(1)));
    stage.send(PUMP_7.atMinutes(0, 2));
    stage.advanceProcessingTime(Duration.ofSeconds(30));
    stage.send(PUMP_7.atMinutes(1, 3));

    stage.advanceProcessingTime(Duration.ofSeconds(30));
    assertThat(stage.windows())
        .as("minute 2 waited a minute, so minute 1 goes before it; minute 3 waits on")
        .containsExactly(PUMP_7.window(0, 1, 2).withReleasedByTimeout());

    stage.advanceProcessingTime(Duration.ofSeconds(30));
    assertThat(stage.windows())
        .containsExactly(
            PUMP_7.window(0, 1, 2).withReleasedByTimeout(),
            PUMP_7.window(1, 2, 3).withReleasedByTimeout());
    assertThat(stage.processingTimers()).isZero();
    assertThat(stage.lateReadings()).isEmpty();
  }

  @Test
  void dropsTheStalenessTimerWhenTheWatermarkReleasesEverything() throws Exception {
    WindowStage stage = open(staleAfter(SLIDE_1, Duration.ofMinutes(1)));
    stage.send(PUMP_7.atMinutes(0, 1, 2));
    stage.watermark(PUMP_7.time(2));

    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2));
    assertThat(stage.processingTimers()).isZero();
    stage.advanceProcessingTime(Duration.ofMinutes(5));
    assertThat(stage.windows()).hasSize(1);
    assertThat(stage.counter("staleReleases")).isZero();
  }

  @Test
  void keepsStalenessTimersAndWaitingReadingsAcrossASnapshot() throws Exception {
    WindowStage beforeFailure = open(staleAfter(SLIDE_1, Duration.ofMinutes(1)));
    beforeFailure.send(PUMP_7.atMinutes(0, 1, 2));
    beforeFailure.send(FAN_2.atMinutes(0, 1));
    beforeFailure.advanceProcessingTime(Duration.ofSeconds(40));
    OperatorSubtaskState snapshot = beforeFailure.snapshot();

    WindowStage restored = beforeFailure.restoreInNewStage(snapshot);
    assertThat(restored.processingTimers()).as("one per sensor, restored").isEqualTo(2);
    restored.send(FAN_2.atMinute(2));
    restored.advanceProcessingTime(Duration.ofSeconds(19));
    assertThat(restored.windows()).isEmpty();
    restored.advanceProcessingTime(Duration.ofSeconds(1));

    assertThat(restored.windows())
        .as("fan-2's minute 2 arrived after the snapshot and waits on")
        .containsExactly(PUMP_7.window(0, 1, 2).withReleasedByTimeout());
    restored.advanceProcessingTime(Duration.ofSeconds(40));
    assertThat(restored.windows())
        .containsExactly(
            PUMP_7.window(0, 1, 2).withReleasedByTimeout(),
            FAN_2.window(0, 1, 2).withReleasedByTimeout());
    assertThat(restored.lateReadings()).isEmpty();
    restored.assertEachWindowStampedWithItsLastReading();
  }

  @Test
  void windowsInterleavedSensorsIndependently() throws Exception {
    WindowStage stage = open(SLIDE_1);

    for (int minute = 0; minute <= 4; minute++) {
      stage.send(PUMP_7.atMinute(minute));
      if (minute >= 1) {
        stage.send(FAN_2.atMinute(minute)); // fan-2 starts a minute later
      }
    }
    stage.endOfInput();

    assertThat(stage.windowsOf(PUMP_7))
        .containsExactly(PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3), PUMP_7.window(2, 3, 4));
    assertThat(stage.windowsOf(FAN_2))
        .containsExactly(FAN_2.window(1, 2, 3), FAN_2.window(2, 3, 4));
    assertThat(stage.records())
        .as("one watermark for all sensors: windows leave in event-time order")
        .extracting(StreamRecord::getTimestamp)
        .isSorted();
    assertThat(stage.counter("windowsAssembled")).isEqualTo(5);
    stage.assertEachWindowStampedWithItsLastReading();
  }

  @Test
  void emitsEverySlideReadingsWithASlideAboveOne() throws Exception {
    WindowStage stage = open(SLIDE_2);

    stage.send(PUMP_7.everyMinute(0, 7));
    stage.endOfInput();

    assertThat(stage.windows())
        .containsExactly(PUMP_7.window(0, 1, 2), PUMP_7.window(2, 3, 4), PUMP_7.window(4, 5, 6));
    assertThat(stage.counter("windowsAssembled")).isEqualTo(3);
  }

  @Test
  void restartsAfterAGapLongerThanMaxGap() throws Exception {
    WindowStage stage = open(SLIDE_1);

    stage.send(PUMP_7.everyMinute(0, 3));
    stage.send(PUMP_7.everyMinute(10, 13));
    stage.endOfInput();

    assertThat(stage.windows())
        .containsExactly(
            PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3),
            PUMP_7.window(10, 11, 12), PUMP_7.window(11, 12, 13));
    assertThat(stage.counter("gapRestarts")).isEqualTo(1);
    assertThat(stage.counter("filledValues")).isZero();
    stage.assertEachWindowStampedWithItsLastReading();
  }

  @Test
  void fillsAShortGapWithTheLastValues() throws Exception {
    WindowStage stage = open(FILL_GAPS);

    stage.send(PUMP_7.everyMinute(0, 3));
    stage.send(PUMP_7.everyMinute(6, 7));
    stage.endOfInput();

    float[] lastBeforeGap = PUMP_7.valuesAtMinute(3);
    SensorWindow acrossGap =
        new SensorWindow(
            "pump-7",
            PUMP_7.times(4, 5, 6),
            concat(lastBeforeGap, lastBeforeGap, PUMP_7.valuesAtMinute(6)),
            2);
    SensorWindow afterGap =
        new SensorWindow(
            "pump-7",
            PUMP_7.times(5, 6, 7),
            concat(lastBeforeGap, PUMP_7.valuesAtMinute(6), PUMP_7.valuesAtMinute(7)),
            1);
    assertThat(stage.windows())
        .containsExactly(PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3), acrossGap, afterGap);
    assertThat(stage.counter("filledValues")).isEqualTo(2);
    assertThat(stage.counter("gapRestarts")).isZero();
    stage.assertEachWindowStampedWithItsLastReading();
  }

  @Test
  void stampsWindowsWithTheirLastReadingEvenWhenTheFinalWatermarkFiresThem() throws Exception {
    WindowStage stage = open(SLIDE_1);
    for (int minute = 0; minute <= 4; minute++) {
      stage.send(PUMP_7.atMinute(minute));
      if (minute <= 3) {
        stage.send(FAN_2.atMinute(minute));
      }
    }
    assertThat(stage.windows()).as("the last readings wait for the watermark").isEmpty();

    stage.endOfInput();

    assertThat(stage.records()).hasSize(5);
    assertThat(stage.records())
        .extracting(StreamRecord::getTimestamp)
        .doesNotContain(Long.MAX_VALUE)
        .containsExactlyInAnyOrder(
            PUMP_7.time(2), PUMP_7.time(3), PUMP_7.time(4), FAN_2.time(2), FAN_2.time(3));
    assertThat(stage.lateReadings()).isEmpty();
    stage.assertEachWindowStampedWithItsLastReading();
  }

  @Test
  void startsASensorOverWhenItsStateOutlivesTheTtl() throws Exception {
    WindowStage stage = open(SLIDE_1);
    stage.send(PUMP_7.everyMinute(0, 2));
    stage.watermark(PUMP_7.time(2));

    stage.advanceProcessingTime(STATE_TTL.plusMinutes(1));
    stage.send(PUMP_7.everyMinute(3, 5));
    stage.endOfInput();

    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2), PUMP_7.window(3, 4, 5));
    assertThat(stage.counter("gapRestarts")).as("expiry is not a gap").isZero();
  }

  @Test
  void keepsASensorsStateWithinTheTtl() throws Exception {
    WindowStage stage = open(SLIDE_1);
    stage.send(PUMP_7.everyMinute(0, 2));
    stage.watermark(PUMP_7.time(2));

    stage.advanceProcessingTime(STATE_TTL.minusMinutes(1));
    stage.send(PUMP_7.everyMinute(3, 5));
    stage.endOfInput();

    assertThat(stage.windows())
        .containsExactly(
            PUMP_7.window(0, 1, 2), PUMP_7.window(1, 2, 3),
            PUMP_7.window(2, 3, 4), PUMP_7.window(3, 4, 5));
  }

  @Test
  void neverExpiresASensorThatKeepsReporting() throws Exception {
    WindowStage stage = open(SLIDE_1);

    // Four hours of processing time in total, but every step rewrites the state within the TTL.
    for (int minute = 0; minute <= 5; minute++) {
      stage.advanceProcessingTime(Duration.ofMinutes(40));
      stage.send(PUMP_7.atMinute(minute));
      stage.watermark(PUMP_7.time(minute));
    }

    assertThat(stage.windows())
        .extracting(SensorWindow::end)
        .containsExactly(PUMP_7.time(2), PUMP_7.time(3), PUMP_7.time(4), PUMP_7.time(5));
  }

  @Test
  void producesTheSameWindowsAfterRestoringFromASnapshot() throws Exception {
    List<SensorReading> firstHalf = new ArrayList<>();
    List<SensorReading> secondHalf = new ArrayList<>();
    int[] pumpOrder = {0, 1, 3, 2, 4, 6, 5, 7, 9, 8, 10, 11};
    for (int i = 0; i < pumpOrder.length; i++) {
      List<SensorReading> half = i < pumpOrder.length / 2 ? firstHalf : secondHalf;
      half.add(PUMP_7.atMinute(pumpOrder[i]));
      half.add(FAN_2.atMinute(i));
    }

    WindowStage uninterrupted = open(SLIDE_2);
    uninterrupted.send(firstHalf);
    uninterrupted.send(secondHalf);
    uninterrupted.endOfInput();

    WindowStage beforeFailure = open(SLIDE_2);
    beforeFailure.send(firstHalf);
    assertThat(beforeFailure.windows()).as("some windows before the snapshot").isNotEmpty();
    assertThat(beforeFailure.pendingTimers()).as("readings pending in the snapshot").isPositive();
    List<StreamRecord<? extends SensorWindow>> resumed = new ArrayList<>(beforeFailure.records());
    OperatorSubtaskState snapshot = beforeFailure.snapshot();
    WindowStage restored = beforeFailure.restoreInNewStage(snapshot);
    restored.send(secondHalf);
    restored.endOfInput();
    resumed.addAll(restored.records());
    assertThat(stamped(resumed)).isEqualTo(stamped(uninterrupted.records()));
    assertThat(uninterrupted.windowsOf(PUMP_7)).hasSize(5);
    assertThat(uninterrupted.windowsOf(FAN_2)).hasSize(5);
    assertThat(restored.lateReadings()).isEmpty();
  }

  @Test
  void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
    AssembleWindowFunction copy =
        InstantiationUtil.clone(new AssembleWindowFunction(SLIDE_1, STATE_TTL));
    WindowStage stage = open(copy);

    stage.send(PUMP_7.everyMinute(0, 2));
    stage.endOfInput();

    assertThat(stage.windows()).containsExactly(PUMP_7.window(0, 1, 2));
  }

  @Test
  void keepsStateAndOutputsAsPojosNotKryo() {
    assertThat(TypeInformation.of(WindowState.class)).isInstanceOf(PojoTypeInfo.class);
    assertThat(TypeInformation.of(SensorWindow.class)).isInstanceOf(PojoTypeInfo.class);
    assertThat(AssembleWindowFunction.LATE_READINGS.getTypeInfo()).isInstanceOf(PojoTypeInfo.class);
    assertThat(AssembleWindowFunction.CONFLICTING_READINGS.getTypeInfo())
        .isInstanceOf(PojoTypeInfo.class);
    assertThat(TypeInformation.of(PendingOrigin.class)).isInstanceOf(PojoTypeInfo.class);
  }

  // ---- the stage under test -----------------------------------------------------------------

  private WindowStage open(WindowSpec spec) throws Exception {
    return open(new AssembleWindowFunction(spec, STATE_TTL));
  }

  private static AssembleWindowFunction watermarkRule(WindowSpec spec) {
    return new AssembleWindowFunction(spec, STATE_TTL, Lateness.WATERMARK, null);
  }

  private static AssembleWindowFunction staleAfter(WindowSpec spec, Duration maxStaleness) {
    return new AssembleWindowFunction(spec, STATE_TTL, Lateness.SENSOR, maxStaleness);
  }

  private WindowStage open(AssembleWindowFunction function) throws Exception {
    WindowStage stage = new WindowStage(function, null);
    opened.add(stage);
    return stage;
  }

  /**
   * The keyed window operator fed like the job feeds it: each reading with its event time, then a
   * watermark {@link #OUT_OF_ORDERNESS} behind the newest reading (bounded out-of-orderness).
   */
  private final class WindowStage implements AutoCloseable {
    private final AssembleWindowFunction function;
    private final Map<String, Metric> metrics = new ConcurrentHashMap<>();
    private final MockEnvironment environment;
    private final KeyedOneInputStreamOperatorTestHarness<String, SensorReading, SensorWindow>
        harness;
    private long newestReading = Long.MIN_VALUE;
    private long lastWatermark = Long.MIN_VALUE;
    private long processingTime = NOW;

    WindowStage(AssembleWindowFunction function, OperatorSubtaskState restoreFrom)
        throws Exception {
      this.function = function;
      environment = MeteredEnvironment.of("assemble-windows", metrics);
      harness =
          new KeyedOneInputStreamOperatorTestHarness<>(
              new KeyedProcessOperator<>(function),
              SensorReading::sensorId,
              Types.STRING,
              environment);
      setProcessingTime(processingTime);
      if (restoreFrom != null) {
        harness.initializeState(restoreFrom);
      }
      harness.open();
    }

    void send(SensorReading... readings) throws Exception {
      send(Arrays.asList(readings));
    }

    void send(List<SensorReading> readings) throws Exception {
      for (SensorReading reading : readings) {
        harness.processElement(reading, reading.timestamp());
        newestReading = Math.max(newestReading, reading.timestamp());
        long bounded = newestReading - OUT_OF_ORDERNESS.toMillis() - 1;
        if (bounded > lastWatermark) {
          watermark(bounded);
        }
      }
    }

    void watermark(long timestamp) throws Exception {
      harness.processWatermark(timestamp);
      lastWatermark = timestamp;
    }

    /** Bounded sources end with the maximum watermark, which fires every pending reading. */
    void endOfInput() throws Exception {
      watermark(Long.MAX_VALUE);
    }

    /** Advances both clocks the job would see: timers' processing time and state TTL. */
    void advanceProcessingTime(Duration duration) throws Exception {
      setProcessingTime(processingTime + duration.toMillis());
    }

    private void setProcessingTime(long time) throws Exception {
      processingTime = time;
      harness.setProcessingTime(time);
      harness.setStateTtlProcessingTime(time);
    }

    OperatorSubtaskState snapshot() throws Exception {
      return harness.snapshot(1L, processingTime);
    }

    /** A new operator instance on the snapshot, fed by the same (replayed) watermark generator. */
    WindowStage restoreInNewStage(OperatorSubtaskState snapshot) throws Exception {
      close();
      opened.remove(this);
      AssembleWindowFunction fresh = InstantiationUtil.clone(function);
      WindowStage restored = new WindowStage(fresh, snapshot);
      opened.add(restored);
      restored.newestReading = newestReading;
      restored.lastWatermark = lastWatermark;
      restored.setProcessingTime(processingTime);
      return restored;
    }

    List<SensorWindow> windows() {
      return harness.extractOutputValues();
    }

    List<SensorWindow> windowsOf(Readings sensor) {
      return windows().stream().filter(w -> w.sensorId().equals(sensor.sensorId)).toList();
    }

    List<StreamRecord<? extends SensorWindow>> records() {
      return harness.extractOutputStreamRecords();
    }

    List<SensorReading> lateReadings() {
      Queue<StreamRecord<SensorReading>> side =
          harness.getSideOutput(AssembleWindowFunction.LATE_READINGS);
      return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    int pendingTimers() {
      return harness.numEventTimeTimers();
    }

    int processingTimers() {
      return harness.numProcessingTimeTimers();
    }

    List<ConflictingReading> conflicts() {
      Queue<StreamRecord<ConflictingReading>> side =
          harness.getSideOutput(AssembleWindowFunction.CONFLICTING_READINGS);
      return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    long counter(String name) {
      String suffix = ".anomaly.window." + name;
      return metrics.entrySet().stream()
          .filter(entry -> entry.getKey().endsWith(suffix))
          .map(entry -> ((Counter) entry.getValue()).getCount())
          .findFirst()
          .orElseThrow(
              () -> new AssertionError("no counter *" + suffix + " in " + metrics.keySet()));
    }

    void assertEachWindowStampedWithItsLastReading() {
      assertThat(records())
          .isNotEmpty()
          .allSatisfy(
              record -> {
                assertThat(record.hasTimestamp()).isTrue();
                assertThat(record.getTimestamp()).isEqualTo(record.getValue().end());
              });
    }

    @Override
    public void close() throws Exception {
      harness.close();
      environment.close();
    }
  }

  /** Window plus the event time the operator stamped on it, comparable across runs. */
  private record Stamped(SensorWindow window, long timestamp) {}

  private static List<Stamped> stamped(List<StreamRecord<? extends SensorWindow>> records) {
    return records.stream().map(r -> new Stamped(r.getValue(), r.getTimestamp())).toList();
  }

  // ---- readings as the parser emits them ----------------------------------------------------

  /**
   * "Sensor pump-7, every minute from T0, these values": minute {@code m} is measured at {@code T0
   * + offset + m min} and reads {@code [level + m, 10 * level + m]}, so every window's expected
   * contents follow from its minutes.
   */
  private static final class Readings {
    final String sensorId;
    final float level;
    final long offset;

    private Readings(String sensorId, float level, long offset) {
      this.sensorId = sensorId;
      this.level = level;
      this.offset = offset;
    }

    static Readings sensor(String sensorId) {
      return new Readings(sensorId, 0, 0);
    }

    /** Same sensor and sampling grid, different values: a repeat or a correction. */
    Readings level(float newLevel) {
      return new Readings(sensorId, newLevel, offset);
    }

    Readings offset(Duration sinceT0) {
      return new Readings(sensorId, level, sinceT0.toMillis());
    }

    long time(int minute) {
      return T0 + offset + minute * MINUTE;
    }

    long[] times(int... minutes) {
      return Arrays.stream(minutes).mapToLong(this::time).toArray();
    }

    float[] valuesAt(long timestamp) {
      float minutes = (timestamp - T0 - offset) / (float) MINUTE;
      return new float[] {level + minutes, 10 * level + minutes};
    }

    float[] valuesAtMinute(int minute) {
      return valuesAt(time(minute));
    }

    SensorReading at(long timestamp) {
      return new SensorReading(sensorId, timestamp, valuesAt(timestamp));
    }

    SensorReading atMinute(int minute) {
      return at(time(minute));
    }

    List<SensorReading> atMinutes(int... minutes) {
      return Arrays.stream(minutes).mapToObj(this::atMinute).toList();
    }

    /** One reading a minute, {@code from} to {@code to} inclusive. */
    List<SensorReading> everyMinute(int from, int to) {
      List<SensorReading> readings = new ArrayList<>();
      for (int minute = from; minute <= to; minute++) {
        readings.add(atMinute(minute));
      }
      return readings;
    }

    /** The window of measured (not filled) readings at these minutes. */
    SensorWindow window(int... minutes) {
      float[][] rows =
          Arrays.stream(minutes).mapToObj(this::valuesAtMinute).toArray(float[][]::new);
      return new SensorWindow(sensorId, times(minutes), concat(rows), 0);
    }
  }

  private static float[] concat(float[]... rows) {
    float[] out = new float[rows.length * FEATURES];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * FEATURES, FEATURES);
    }
    return out;
  }
}
