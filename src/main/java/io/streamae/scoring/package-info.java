/**
 * Scoring of sensor windows: {@link io.streamae.scoring.AnomalyScorer} runs the model bundle on a
 * window (raw reconstruction and prediction errors, per-feature attribution, predictions) and
 * {@link io.streamae.scoring.AnomalyLikelihood} turns each sensor's raw errors into a calibrated
 * anomaly likelihood and alarm decision; both are pure Java. {@link
 * io.streamae.scoring.ScoreWindowsOperator} and {@link io.streamae.scoring.CalibrateScoresFunction}
 * run them on Flink keyed state ({@code score-windows}, many sensors' windows per forward pass,
 * then {@code calibrate-scores}).
 */
package io.streamae.scoring;
