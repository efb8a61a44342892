package io.streamae.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void interpolatesBetweenClosestRanksAsNumPyDoes() {
    // numpy.percentile([1, 2, 3, 4, 10], [0, 50, 90, 100]) = [1, 3, 7.6, 10]
    double[] values = {1, 2, 3, 4, 10};
    assertThat(Percentiles.ofSorted(values, 0)).isEqualTo(1.0);
    assertThat(Percentiles.ofSorted(values, 50)).isEqualTo(3.0);
    assertThat(Percentiles.ofSorted(values, 90)).isCloseTo(7.6, within(1e-12));
    assertThat(Percentiles.ofSorted(values, 100)).isEqualTo(10.0);
  }

  @Test
  void longSamplesGiveTheSameValues() {
    long[] latencies = {1, 2, 3, 4, 10};
    double[] same = {1, 2, 3, 4, 10};
    for (double p : new double[] {0, 12.5, 50, 99, 100}) {
      assertThat(Percentiles.ofSorted(latencies, p)).isEqualTo(Percentiles.ofSorted(same, p));
    }
  }

  @Test
  void oneValueNoValueAndOutOfRange() {
    assertThat(Percentiles.ofSorted(new double[] {5}, 99)).isEqualTo(5.0);
    assertThat(Percentiles.ofSorted(new long[0], 50)).isNaN();
    assertThatThrownBy(() -> Percentiles.ofSorted(new double[] {1}, 101))
        .hasMessageContaining("101");
  }
}
