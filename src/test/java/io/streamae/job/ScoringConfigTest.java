package io.streamae.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamae.scoring.AnomalyLikelihood;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The {@code scoring.*} options: defaults, overrides and start-up checks naming key and value. */
class ScoringConfigTest {
  @Test
  void defaultsAndOverridesBecomeCalibrationSettings() throws Exception {
    AnomalyLikelihood.Settings defaults = JobConfig.from(new Configuration()).scoring();
    assertThat(defaults.warmupWindows()).isEqualTo(100);
    assertThat(defaults.alarmLikelihood()).isEqualTo(0.999);
    assertThat(defaults.releaseLikelihood()).isEqualTo(0.99);
    assertThat(defaults.relearnAfterMs()).isEqualTo(Duration.ofHours(2).toMillis());
    assertThat(defaults.alarmSuppressionMs()).isZero();
    assertThat(defaults.combine()).isEqualTo(AnomalyLikelihood.Combine.MAX);
    assertThat(defaults.rangeCheck()).isTrue();
    assertThat(defaults.rangeMargin()).isEqualTo(0.02);
    assertThat(defaults.seasonalMaxPeriod()).isEqualTo(1440);

    Configuration c =
        ConfigLoader.load(
            null,
            List.of(
                "--scoring.warmup-windows",
                "20",
                "--scoring.alarm-likelihood",
                "0.999",
                "--scoring.alarm-suppression",
                "15 min",
                "--scoring.combine",
                "product",
                "--scoring.history-windows",
                "500",
                "--scoring.average-windows",
                "5",
                "--scoring.release-likelihood",
                "0.9",
                "--scoring.relearn-after",
                "30 min",
                "--scoring.range-check",
                "false",
                "--scoring.range-margin",
                "0.1",
                "--scoring.seasonal-max-period",
                "0"));
    AnomalyLikelihood.Settings s = JobConfig.from(c).scoring();
    assertThat(s.warmupWindows()).isEqualTo(20);
    assertThat(s.alarmLikelihood()).isEqualTo(0.999);
    assertThat(s.alarmSuppressionMs()).isEqualTo(Duration.ofMinutes(15).toMillis());
    assertThat(s.combine()).isEqualTo(AnomalyLikelihood.Combine.PRODUCT);
    assertThat(s.historyWindows()).isEqualTo(500);
    assertThat(s.averageWindows()).isEqualTo(5);
    assertThat(s.releaseLikelihood()).isEqualTo(0.9);
    assertThat(s.relearnAfterMs()).isEqualTo(Duration.ofMinutes(30).toMillis());
    assertThat(s.rangeCheck()).isFalse();
    assertThat(s.rangeMargin()).isEqualTo(0.1);
    assertThat(s.seasonalMaxPeriod()).isZero();
  }

  @Test
  void invalidScoringValuesStopStartUpNamingKeyAndValue() {
    assertThatThrownBy(() -> JobConfig.from(conf("scoring.alarm-likelihood", "1")))
        .hasMessage("scoring.alarm-likelihood (1.0) must be between 0 and 1 (exclusive)");
    assertThatThrownBy(() -> JobConfig.from(conf("scoring.combine", "mean")))
        .hasMessage("scoring.combine (mean) must be max or product");
    assertThatThrownBy(() -> JobConfig.from(conf("scoring.warmup-windows", "-1")))
        .hasMessage("scoring.warmup-windows (-1) must be >= 0");
    assertThatThrownBy(() -> JobConfig.from(conf("scoring.history-windows", "1")))
        .hasMessage("scoring.history-windows (1) must be >= 2");
    assertThatThrownBy(() -> JobConfig.from(conf("scoring.release-likelihood", "0.9999")))
        .hasMessage(
            "scoring.release-likelihood (0.9999) must be above 0 and not above"
                + " scoring.alarm-likelihood");
    assertThatThrownBy(() -> JobConfig.from(conf("scoring.relearn-after", "0 s")))
        .hasMessage("scoring.relearn-after (PT0S) must be positive");
    assertThatThrownBy(() -> JobConfig.from(conf("scoring.range-margin", "-0.1")))
        .hasMessage("scoring.range-margin (-0.1) must be >= 0");
    assertThatThrownBy(() -> JobConfig.from(conf("scoring.seasonal-max-period", "3")))
        .hasMessage("scoring.seasonal-max-period (3) must be 0 (off) or >= 4");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("--scoring.alarm", "0.9")))
        .hasMessage("unknown option --scoring.alarm; did you mean --scoring.alarm-likelihood?");
  }

  @SuppressWarnings("deprecation")
  private static Configuration conf(String key, String value) {
    Configuration c = new Configuration();
    c.setString(key, value);
    return c;
  }
}
