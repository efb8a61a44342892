package io.streamae.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Mean, sample standard deviation and range over seeds. */
class SeedSpreadTest {
  @Test
  void statsAreMeanSampleSdAndRange() {
    SeedSpread.Stats s = SeedSpread.Stats.of(new double[] {56.6, 57.3, 58.6});
    assertThat(s.mean()).isCloseTo(57.5, within(1e-9));
    assertThat(s.sd()).isCloseTo(1.0149, within(1e-4));
    assertThat(s.min()).isEqualTo(56.6);
    assertThat(s.max()).isEqualTo(58.6);
    assertThat(s.format("%.1f")).isEqualTo("57.5 ± 1.0  (56.6 .. 58.6)");
    assertThat(SeedSpread.Stats.of(new double[] {3}).sd()).isZero();
  }
}
