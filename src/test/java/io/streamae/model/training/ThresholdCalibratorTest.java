package io.streamae.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamae.model.io.ModelMetadata.Calibration;
import org.junit.jupiter.api.Test;

class ThresholdCalibratorTest {
  private static final double[] ERRORS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.5};

  @Test
  void percentileInterpolatesBetweenRanks() {
    Calibration c = ThresholdCalibrator.calibrate("percentile", 90, "reconstruction", ERRORS);
    // sorted: 0.1 .. 1.0 with 0.5 twice (11 values); rank 0.9 * 10 = 9 → 0.9
    assertThat(c.threshold()).isCloseTo(0.9, within(1e-12));
    assertThat(c.validation().count()).isEqualTo(11);
    assertThat(c.validation().max()).isEqualTo(1.0);
  }

  @Test
  void sigmaUsesMeanPlusKStandardDeviations() {
    double[] e = {1, 2, 3, 4, 5};
    Calibration c = ThresholdCalibrator.calibrate("SIGMA", 2, "prediction", e);
    assertThat(c.threshold()).isCloseTo(3 + 2 * Math.sqrt(2), within(1e-12));
    assertThat(c.method()).isEqualTo("sigma");
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> ThresholdCalibrator.calibrate("median", 1, "x", ERRORS))
        .hasMessageContaining("median");
    assertThatThrownBy(() -> ThresholdCalibrator.calibrate("percentile", 120, "x", ERRORS))
        .hasMessageContaining("120");
    assertThatThrownBy(() -> ThresholdCalibrator.calibrate("percentile", 99, "x", new double[0]))
        .hasMessageContaining("no windows");
  }
}
