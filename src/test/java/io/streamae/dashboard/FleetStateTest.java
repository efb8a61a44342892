package io.streamae.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamae.dashboard.ResultLines.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FleetStateTest {
  private final AtomicLong clock = new AtomicLong(1_000_000L);

  private FleetState state(int maxSensors, int history) {
    return new FleetState(maxSensors, history, 0.444, clock::get);
  }

  @Test
  void aHundredThousandSensorsStayWithinTheSensorBoundLeastRecentlyUpdatedEvictedFirst() {
    FleetState state = state(1_000, 50);
    String line = ResultLines.line("x", 1, Kind.NORMAL);
    for (int s = 0; s < 100_000; s++) {
      state.result(line.replace("\"sensorId\":\"x\"", "\"sensorId\":\"sensor-" + s + "\""));
      if (s % 10 == 0) {
        // sensor-0 keeps reporting, so it is never the least recently updated one.
        state.result(ResultLines.line("sensor-0", 2 + s, Kind.NORMAL));
      }
    }

    assertThat(state.sensorCount()).isEqualTo(1_000);
    JsonNode summary = state.summary();
    assertThat(summary.get("sensors").asInt()).isEqualTo(1_000);
    assertThat(summary.get("evicted").asLong()).isEqualTo(100_000 - 1_000);
    assertThat(summary.get("windows").asLong()).isEqualTo(100_000 + 10_000);
    assertThat(state.sensor("sensor-0", 100)).isNotNull();
    assertThat(state.sensor("sensor-99999", 100)).isNotNull();
    assertThat(state.sensor("sensor-98000", 100)).as("evicted").isNull();
    assertThat(state.allocatedWindows()).isLessThanOrEqualTo(1_000L * 50);
  }

  @Test
  void historyPerSensorIsBoundedAndKeepsTheNewestWindows() {
    FleetState state = state(10, 64);
    for (int step = 0; step < 1_000; step++) {
      state.result(ResultLines.line("m", step, Kind.NORMAL));
    }
    JsonNode sensor = state.sensor("m", 5_000);
    assertThat(sensor.get("held").asInt()).isEqualTo(64);
    assertThat(sensor.get("windows").asLong()).isEqualTo(1_000);
    assertThat(sensor.get("ts")).hasSize(64);
    assertThat(sensor.get("ts").get(0).asLong())
        .isEqualTo(ResultLines.T0 + 936 * ResultLines.MINUTE);
    assertThat(sensor.get("ts").get(63).asLong())
        .isEqualTo(ResultLines.T0 + 999 * ResultLines.MINUTE);
    assertThat(state.allocatedWindows()).isEqualTo(64);
  }

  @Test
  void chartsAreDownsampledKeepingAlarmsAndTheNewestWindow() {
    FleetState state = state(10, 5_000);
    for (int step = 0; step < 5_000; step++) {
      state.result(ResultLines.line("m", step, step == 1_234 ? Kind.ALARM : Kind.NORMAL));
    }
    JsonNode sensor = state.sensor("m", 300);
    assertThat(sensor.get("ts")).hasSize(300);
    assertThat(sensor.get("values").get("vibration")).hasSize(300);
    List<Integer> alarms = new ArrayList<>();
    sensor.get("anomalous").forEach(a -> alarms.add(a.asInt()));
    assertThat(alarms).containsOnlyOnce(1);
    assertThat(sensor.get("ts").get(299).asLong())
        .isEqualTo(ResultLines.T0 + 4_999 * ResultLines.MINUTE);
    assertThat(sensor.get("episodes")).hasSize(1);
    assertThat(sensor.get("episodes").get(0).get("start").asLong())
        .isEqualTo(ResultLines.T0 + 1_234 * ResultLines.MINUTE);
  }

  @Test
  void theFleetListsAlarmingSensorsFirstThenByScoreAndPages() {
    FleetState state = state(100, 50);
    for (int step = 0; step < 20; step++) {
      state.result(ResultLines.line("calm", step, Kind.NORMAL));
      state.result(ResultLines.line("warming", step, Kind.WARMING_UP));
      state.result(ResultLines.line("alarming", step, step == 15 ? Kind.ALARM : Kind.NORMAL));
    }
    JsonNode fleet = state.fleet(0, 2, "");
    assertThat(fleet.get("total").asInt()).isEqualTo(3);
    assertThat(fleet.get("rows")).hasSize(2);
    assertThat(fleet.get("rows").get(0).get("id").asText()).isEqualTo("alarming");
    assertThat(fleet.get("rows").get(0).get("status").asText()).isEqualTo("ALARM");
    assertThat(fleet.get("rows").get(0).get("modelVersion").asText()).isEqualTo("demo-generator:1");
    assertThat(fleet.get("rows").get(1).get("id").asText()).isEqualTo("calm");
    assertThat(state.fleet(2, 2, "").get("rows").get(0).get("status").asText())
        .isEqualTo("WARMING_UP");
    assertThat(state.fleet(0, 50, "ALARM").get("rows")).hasSize(1);

    // Ten windows after its alarm a sensor is no longer alarming, but stays above the sensors
    // without an alarm while that alarm is among its windows held.
    for (int step = 20; step < 26; step++) {
      state.result(ResultLines.line("alarming", step, Kind.NORMAL));
    }
    JsonNode top = state.fleet(0, 1, "").get("rows").get(0);
    assertThat(top.get("id").asText()).isEqualTo("alarming");
    assertThat(top.get("status").asText()).isEqualTo("OK");
    for (int step = 26; step < 80; step++) {
      state.result(ResultLines.line("alarming", step, Kind.NORMAL));
    }
    assertThat(state.fleet(0, 1, "").get("rows").get(0).get("id").asText()).isEqualTo("calm");
  }

  @Test
  void readingsArePairedWithThePredictionMadeForTheirTime() {
    FleetState state = state(10, 50);
    state.result(ResultLines.line("m", 0, Kind.NORMAL));
    state.result(ResultLines.line("m", 1, Kind.NORMAL));
    state.result(ResultLines.line("m", 3, Kind.NORMAL)); // step 2 missing: no prediction for 3
    JsonNode sensor = state.sensor("m", 100);
    JsonNode expected = sensor.get("expected").get("temperature");
    assertThat(expected.get(0).isNull()).isTrue();
    assertThat(expected.get(1).floatValue())
        .isEqualTo(ResultLines.record("m", 0, Kind.NORMAL).predictions()[0]);
    assertThat(expected.get(2).isNull()).isTrue();
    assertThat(sensor.get("values").get("temperature").get(1).floatValue())
        .isEqualTo(ResultLines.record("m", 1, Kind.NORMAL).lastValues()[0]);
    assertThat(sensor.get("next").get("ts").asLong())
        .isEqualTo(ResultLines.T0 + 4 * ResultLines.MINUTE);
  }

  @Test
  void badInputIsCountedNeverThrown() {
    FleetState state = state(10, 50);
    state.result("not json");
    state.result("{\"sensorId\":42}");
    state.result("[1,2]");
    state.result((String) null);
    state.deadLetterLine("{\"reason\":\"MALFORMED_JSON\"}");
    state.deadLetterLine("garbage");
    state.deadLetter(null);
    // A result without featureErrors or lastReading (an older job) is still shown.
    state.result(
        "{\"sensorId\":\"old\",\"windowEnd\":1767225600000,\"anomalyScore\":0.2,\"anomalous\":false}");

    JsonNode summary = state.summary();
    assertThat(summary.get("unreadable").asLong()).isEqualTo(4);
    assertThat(summary.get("deadLetters").get("MALFORMED_JSON").asLong()).isEqualTo(1);
    assertThat(summary.get("deadLetters").get("UNREADABLE").asLong()).isEqualTo(1);
    assertThat(summary.get("deadLetters").get("UNKNOWN").asLong()).isEqualTo(1);
    assertThat(summary.get("deadLettersTotal").asLong()).isEqualTo(3);
    assertThat(state.sensor("old", 10).get("score").get(0).floatValue()).isEqualTo(0.2f);
  }

  @Test
  void aModelWithOtherFeaturesStartsTheSensorsChartsAfresh() {
    FleetState state = state(10, 50);
    state.result(ResultLines.line("m", 0, Kind.NORMAL));
    state.result(
        "{\"sensorId\":\"m\",\"windowEnd\":1767225660000,\"featureErrors\":{\"pressure\":0.1},"
            + "\"lastReading\":{\"ts\":1767225660000,\"values\":{\"pressure\":3.5}},\"anomalyScore\":0.1}");
    JsonNode sensor = state.sensor("m", 10);
    assertThat(sensor.get("features")).hasSize(1);
    assertThat(sensor.get("held").asInt()).isEqualTo(1);
    assertThat(sensor.get("windows").asLong()).isEqualTo(2);
  }
}
