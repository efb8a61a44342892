package io.streamae.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamae.source.FaultScenarios.Fault;
import io.streamae.source.FaultScenarios.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generated multivariate benchmark: labelled, deterministic, every kind of fault. */
class FaultScenariosTest {
  private final FaultScenarios scenarios = new FaultScenarios(8, 4000, 60_000L, 7);

  @Test
  void everyKindOfFaultLastsMinutesToHoursAfterTheTrainingRows() {
    List<Fault> faults = scenarios.faults();
    Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    for (Fault f : faults) {
      kinds.add(f.kind());
      assertThat(f.start()).isGreaterThanOrEqualTo(scenarios.normalPrefix());
      assertThat(f.end() - f.start()).isBetween(30, 240);
      assertThat(f.end()).isLessThan(scenarios.steps());
    }
    assertThat(kinds).isEqualTo(EnumSet.allOf(Kind.class));
    assertThat(faults.size()).isGreaterThanOrEqualTo(30);
  }

  @Test
  void labelsMarkExactlyTheFaultsSteps() {
    for (int m = 0; m < scenarios.machines(); m++) {
      for (int step = 0; step < scenarios.steps(); step++) {
        boolean inFault = false;
        for (Fault f : scenarios.faults()) {
          inFault |= f.machine() == m && step >= f.start() && step < f.end();
        }
        assertThat(scenarios.label(m, step)).isEqualTo(inFault ? 1 : 0);
      }
    }
  }

  @Test
  void eachKindChangesWhatItSays() {
    for (Fault f : scenarios.faults()) {
      int m = f.machine();
      int c = f.feature();
      int mid = (f.start() + f.end()) / 2;
      double[] during = scenarios.values(m, mid);
      double[] before = scenarios.values(m, f.start() - 1);
      switch (f.kind()) {
        case STUCK ->
            assertThat(scenarios.values(m, f.end() - 1)[c])
                .isEqualTo(scenarios.values(m, f.start())[c]);
        case DRIFT ->
            assertThat(Math.abs(scenarios.values(m, f.end() - 1)[c] - before[c])).isPositive();
        case DECORRELATION ->
            assertThat(during[2])
                .as("current stays within its normal range %s", f)
                .isBetween(10 - 2.6, 10 + 2.6);
        default -> assertThat(during).hasSize(4);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameDataAndCsvHasALabelColumn() {
    FaultScenarios again = new FaultScenarios(8, 4000, 60_000L, 7);
    assertThat(again.csv(3)).isEqualTo(scenarios.csv(3));
    String[] lines = scenarios.csv(0).split("\n");
    assertThat(lines[0]).isEqualTo("timestamp,temperature,vibration,current,pressure,label");
    assertThat(lines).hasSize(4001);
    assertThat(new FaultScenarios(8, 4000, 60_000L, 8).csv(0)).isNotEqualTo(scenarios.csv(0));
    assertThatThrownBy(() -> new FaultScenarios(0, 4000, 60_000L, 7))
        .hasMessageContaining("at least 1 machine");
  }
}
