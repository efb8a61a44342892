package io.streamae.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamae.window.WindowAssembler.GapOutcome;
import io.streamae.window.WindowAssembler.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sliding-window logic without Flink: one sensor sampled every minute, windows of {@value
 * #SIZE} readings of {@value #FEATURES} features, gaps longer than 90 s handled by the policy.
 */
class WindowAssemblerTest {

  private static final long T0 = Instant.parse("2025-01-06T08:00:00Z").toEpochMilli();
  private static final long MINUTE = Duration.ofMinutes(1).toMillis();
  private static final Duration MAX_GAP = Duration.ofSeconds(90);

  private static final String PUMP_7 = "pump-7";
  private static final int SIZE = 4;
  private static final int FEATURES = 2;

  @Test
  void emitsTheFirstWindowAfterExactlySizeReadings() {
    Sensor pump = new Sensor(spec(1, GapPolicy.RESTART));

    List<Step> steps = pump.readEveryMinute(0, 1, 2);
    Step fourth = pump.readAtMinute(3);

    assertThat(steps).extracting(Step::window).containsOnlyNulls();
    assertThat(steps).extracting(Step::gap).containsOnly(GapOutcome.NONE);
    SensorWindow window = fourth.window();
    assertThat(window).isNotNull();
    assertThat(window.sensorId()).isEqualTo(PUMP_7);
    assertThat(window.timestamps()).containsExactly(atMinutes(0, 1, 2, 3));
    assertThat(window.values()).containsExactly(valuesAtMinutes(0, 1, 2, 3));
    assertThat(window.filledValues()).isZero();
    assertThat(window.timesteps()).isEqualTo(SIZE);
    assertThat(window.features()).isEqualTo(FEATURES);
    assertThat(window.start()).isEqualTo(T0);
    assertThat(window.end()).isEqualTo(at(3));
  }

  @Test
  void slideOneEmitsOnEveryReadingAfterTheFirstWindowWithTheNewestSizeReadingsInOrder() {
    Sensor pump = new Sensor(spec(1, GapPolicy.RESTART));

    List<SensorWindow> windows = windowsOf(pump.readEveryMinute(0, 1, 2, 3, 4, 5, 6));

    assertThat(windows).hasSize(4);
    for (int i = 0; i < windows.size(); i++) {
      int[] expected = {i, i + 1, i + 2, i + 3};
      assertThat(windows.get(i).timestamps())
          .as("window %s", i)
          .containsExactly(atMinutes(expected));
      assertThat(windows.get(i).values())
          .as("window %s", i)
          .containsExactly(valuesAtMinutes(expected));
    }
  }

  @Test
  void slideGreaterThanOneEmitsEverySlideReadings() {
    Sensor pump = new Sensor(spec(2, GapPolicy.RESTART));

    List<SensorWindow> windows = windowsOf(pump.readEveryMinute(0, 1, 2, 3, 4, 5, 6, 7, 8));

    assertThat(windows).extracting(SensorWindow::end).containsExactly(at(3), at(5), at(7));
    assertThat(windows.get(1).timestamps()).containsExactly(atMinutes(2, 3, 4, 5));
    assertThat(windows.get(1).values()).containsExactly(valuesAtMinutes(2, 3, 4, 5));
  }

  @Test
  void slideEqualToSizeGivesTumblingWindows() {
    Sensor pump = new Sensor(spec(SIZE, GapPolicy.RESTART));

    List<SensorWindow> windows = windowsOf(pump.readEveryMinute(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));

    assertThat(windows).extracting(SensorWindow::start).containsExactly(at(0), at(4));
    assertThat(windows).extracting(SensorWindow::end).containsExactly(at(3), at(7));
  }

  @Test
  void emittedWindowsDoNotShareArraysWithTheBuffer() {
    Sensor pump = new Sensor(spec(1, GapPolicy.RESTART));
    SensorWindow first = windowsOf(pump.readEveryMinute(0, 1, 2, 3)).get(0);
    long[] timestamps = first.timestamps().clone();
    float[] values = first.values().clone();

    pump.readEveryMinute(4, 5);

    assertThat(first.timestamps()).containsExactly(timestamps);
    assertThat(first.values()).containsExactly(values);
  }

  @Nested
  class GapWithRestart {
    private final Sensor pump = new Sensor(spec(1, GapPolicy.RESTART));

    @Test
    void aGapOfExactlyMaxGapIsNoGap() {
      pump.readEveryMinute(0, 1, 2);

      Step step = pump.readAt(at(2) + MAX_GAP.toMillis());

      assertThat(step.gap()).isEqualTo(GapOutcome.NONE);
      assertThat(step.window()).isNotNull();
    }

    @Test
    void aLongerGapClearsTheBufferAndTheNextWindowNeedsSizeNewReadings() {
      pump.readEveryMinute(0, 1, 2, 3, 4);

      Step afterGap = pump.readAtMinute(7);
      List<Step> refilling = pump.readEveryMinute(8, 9);
      Step complete = pump.readAtMinute(10);

      assertThat(afterGap.gap()).isEqualTo(GapOutcome.RESTARTED);
      assertThat(afterGap.filledSteps()).isZero();
      assertThat(afterGap.window()).isNull();
      assertThat(refilling).extracting(Step::window).containsOnlyNulls();
      assertThat(refilling).extracting(Step::gap).containsOnly(GapOutcome.NONE);
      assertThat(complete.window().timestamps()).containsExactly(atMinutes(7, 8, 9, 10));
      assertThat(complete.window().values()).containsExactly(valuesAtMinutes(7, 8, 9, 10));
      assertThat(complete.window().filledValues()).isZero();
    }

    @Test
    void aGapBeforeTheFirstWindowAlsoRestarts() {
      pump.readEveryMinute(0, 1, 2);

      Step afterGap = pump.readAtMinute(5);
      List<SensorWindow> windows = windowsOf(pump.readEveryMinute(6, 7, 8));

      assertThat(afterGap.gap()).isEqualTo(GapOutcome.RESTARTED);
      assertThat(windows)
          .singleElement()
          .satisfies(w -> assertThat(w.timestamps()).containsExactly(atMinutes(5, 6, 7, 8)));
    }
  }

  @Nested
  class GapWithFill {
    private final Sensor pump = new Sensor(spec(1, GapPolicy.FILL));

    @Test
    void carriesTheLastValuesForwardAtThePreviousIntervalAndMarksThemFilled() {
      pump.readEveryMinute(0, 1, 2, 3, 4);

      Step afterGap = pump.readAtMinute(7);

      assertThat(afterGap.gap()).isEqualTo(GapOutcome.FILLED);
      assertThat(afterGap.filledSteps()).isEqualTo(2);
      SensorWindow window = afterGap.window();
      assertThat(window.timestamps()).containsExactly(atMinutes(4, 5, 6, 7));
      assertThat(window.values())
          .containsExactly(
              concat(valuesAtMinute(4), valuesAtMinute(4), valuesAtMinute(4), valuesAtMinute(7)));
      assertThat(window.filledValues()).isEqualTo(2);
    }

    @Test
    void filledStepsLeaveTheWindowAsTheySlideOut() {
      pump.readEveryMinute(0, 1, 2, 3, 4);
      pump.readAtMinute(7);

      List<SensorWindow> windows = windowsOf(pump.readEveryMinute(8, 9, 10));

      assertThat(windows).extracting(SensorWindow::filledValues).containsExactly(2, 1, 0);
      assertThat(windows.get(0).timestamps()).containsExactly(atMinutes(5, 6, 7, 8));
      assertThat(windows.get(2).values()).containsExactly(valuesAtMinutes(7, 8, 9, 10));
    }

    @Test
    void fillsUpToButNotPastAReadingOffTheSamplingGrid() {
      pump.readEveryMinute(0, 1, 2, 3);

      Step afterGap = pump.readAt(at(6) + MINUTE / 2);

      assertThat(afterGap.filledSteps()).isEqualTo(3);
      assertThat(afterGap.window().timestamps())
          .containsExactly(at(4), at(5), at(6), at(6) + MINUTE / 2);
    }

    @Test
    void fillsAGapOfExactlySizeSteps() {
      pump.readEveryMinute(0, 1, 2, 3, 4);

      Step afterGap = pump.readAtMinute(4 + SIZE + 1);

      assertThat(afterGap.gap()).isEqualTo(GapOutcome.FILLED);
      assertThat(afterGap.filledSteps()).isEqualTo(SIZE);
      // the oldest filled step has already slid out of the window again
      assertThat(afterGap.window().timestamps()).containsExactly(atMinutes(6, 7, 8, 9));
      assertThat(afterGap.window().filledValues()).isEqualTo(SIZE - 1);
    }

    @Test
    void fallsBackToRestartWhenTheGapNeedsMoreThanSizeSteps() {
      pump.readEveryMinute(0, 1, 2, 3, 4);

      Step afterGap = pump.readAtMinute(4 + SIZE + 2);
      List<Step> refilling = pump.readEveryMinute(11, 12);
      Step complete = pump.readAtMinute(13);

      assertThat(afterGap.gap()).isEqualTo(GapOutcome.RESTARTED);
      assertThat(afterGap.filledSteps()).isZero();
      assertThat(afterGap.window()).isNull();
      assertThat(refilling).extracting(Step::window).containsOnlyNulls();
      assertThat(complete.window().timestamps()).containsExactly(atMinutes(10, 11, 12, 13));
      assertThat(complete.window().filledValues()).isZero();
    }

    @Test
    void fallsBackToRestartWithFewerThanTwoBufferedReadings() {
      pump.readAtMinute(0);

      Step afterGap = pump.readAtMinute(3);
      List<SensorWindow> windows = windowsOf(pump.readEveryMinute(4, 5, 6));

      assertThat(afterGap.gap()).isEqualTo(GapOutcome.RESTARTED);
      assertThat(afterGap.filledSteps()).isZero();
      assertThat(windows)
          .singleElement()
          .satisfies(w -> assertThat(w.timestamps()).containsExactly(atMinutes(3, 4, 5, 6)));
    }
  }

  @ParameterizedTest(name = "{0} ms after the last reading")
  @ValueSource(longs = {0, -1, -60_000})
  void rejectsAReadingNotNewerThanTheLastOneAndKeepsTheBuffer(long offset) {
    Sensor pump = new Sensor(spec(1, GapPolicy.RESTART));
    pump.readEveryMinute(0, 1, 2);
    long last = at(2);

    assertThatThrownBy(() -> pump.readAt(last + offset))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reading at %s is not newer than the last one at %s", last + offset, last);

    assertThat(pump.state.count).isEqualTo(3);
    assertThat(pump.readAtMinute(3).window().timestamps()).containsExactly(atMinutes(0, 1, 2, 3));
  }

  @Test
  void rejectsAReadingWithTheWrongNumberOfFeatures() {
    WindowAssembler assembler = new WindowAssembler(spec(1, GapPolicy.RESTART));
    WindowState state = WindowState.empty(assembler.spec());

    assertThatThrownBy(() -> assembler.append(state, PUMP_7, T0, new float[] {1f, 2f, 3f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reading has 3 values, windows hold 2 features");
    assertThat(state.count).isZero();
  }

  @Nested
  class Spec {
    @Test
    void rejectsASlideLargerThanTheSize() {
      assertThatThrownBy(() -> new WindowSpec(4, 5, FEATURES, MAX_GAP, GapPolicy.RESTART))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("window slide (5) must not exceed window size (4)");
    }

    @Test
    void rejectsANonPositiveSlide() {
      assertThatThrownBy(() -> new WindowSpec(4, 0, FEATURES, MAX_GAP, GapPolicy.RESTART))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("window slide must be >= 1, was 0");
    }

    @Test
    void rejectsASizeBelowOne() {
      assertThatThrownBy(() -> new WindowSpec(0, 1, FEATURES, MAX_GAP, GapPolicy.RESTART))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("window size must be >= 1, was 0");
    }

    @Test
    void rejectsNoFeatures() {
      assertThatThrownBy(() -> new WindowSpec(4, 1, 0, MAX_GAP, GapPolicy.RESTART))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("features must be >= 1, was 0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PT0S", "PT-1S"})
    void rejectsANonPositiveMaximumGap(String gap) {
      assertThatThrownBy(
              () -> new WindowSpec(4, 1, FEATURES, Duration.parse(gap), GapPolicy.RESTART))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maximum gap must be positive, was %s", gap);
    }

    @Test
    void rejectsAMissingMaximumGap() {
      assertThatThrownBy(() -> new WindowSpec(4, 1, FEATURES, null, GapPolicy.RESTART))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maximum gap must be positive, was null");
    }

    @Test
    void acceptsASingleReadingTumblingWindow() {
      Sensor pump = new Sensor(new WindowSpec(1, 1, FEATURES, MAX_GAP, GapPolicy.RESTART));

      assertThat(windowsOf(pump.readEveryMinute(0, 1)))
          .extracting(SensorWindow::end)
          .containsExactly(at(0), at(1));
    }
  }

  // ---- domain helpers -----------------------------------------------------------------------

  /** Sensor pump-7 feeding one assembler and one buffer, as the keyed function does per key. */
  private static final class Sensor {
    final WindowAssembler assembler;
    final WindowState state;

    Sensor(WindowSpec spec) {
      assembler = new WindowAssembler(spec);
      state = WindowState.empty(spec);
    }

    Step readAt(long timestamp) {
      return assembler.append(state, PUMP_7, timestamp, valuesAt(timestamp));
    }

    Step readAtMinute(int minute) {
      return readAt(at(minute));
    }

    List<Step> readEveryMinute(int... minutes) {
      List<Step> steps = new ArrayList<>();
      for (int minute : minutes) {
        steps.add(readAtMinute(minute));
      }
      return steps;
    }
  }

  private static WindowSpec spec(int slide, GapPolicy policy) {
    return new WindowSpec(SIZE, slide, FEATURES, MAX_GAP, policy);
  }

  /** What pump-7 measures at {@code timestamp}: 20 + minutes since T0, and 1000 + minutes. */
  private static float[] valuesAt(long timestamp) {
    float minutes = (timestamp - T0) / (float) MINUTE;
    return new float[] {20f + minutes, 1000f + minutes};
  }

  private static float[] valuesAtMinute(int minute) {
    return valuesAt(at(minute));
  }

  private static float[] valuesAtMinutes(int... minutes) {
    float[][] rows = new float[minutes.length][];
    for (int i = 0; i < minutes.length; i++) {
      rows[i] = valuesAtMinute(minutes[i]);
    }
    return concat(rows);
  }

  private static long at(int minute) {
    return T0 + minute * MINUTE;
  }

  private static long[] atMinutes(int... minutes) {
    return Arrays.stream(minutes).mapToLong(WindowAssemblerTest::at).toArray();
  }

  private static float[] concat(float[]... rows) {
    float[] out = new float[rows.length * FEATURES];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * FEATURES, FEATURES);
    }
    return out;
  }

  private static List<SensorWindow> windowsOf(List<Step> steps) {
    return steps.stream().map(Step::window).filter(Objects::nonNull).toList();
  }
}
