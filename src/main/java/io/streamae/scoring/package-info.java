/**
 * Scoring of sensor windows: {@link io.streamae.scoring.AnomalyScorer} runs the model bundle on a
 * window (raw reconstruction and prediction errors, per-feature attribution, predictions) and
 * {@link io.streamae.scoring.AnomalyLikelihood} turns each sensor's raw errors into a calibrated
 * anomaly likelihood and alarm decision; both are pure Java. {@link
 * io.streamae.scoring.ScoreWindowsOperator} and {@link io.streamae.scoring.CalibrateScoresFunction}
 * run them on Flink keyed state ({@code score-windows}, many sensors' windows per forward pass,
 * then {@code calibrate-scores}). Models change while the job runs: {@link
 * io.streamae.scoring.ModelUpdate}s (from the model-updates topic or a watched {@code model.path},
 * {@link io.streamae.scoring.ModelFileWatch}) are verified ({@link
 * io.streamae.scoring.ModelLoader#loadVerified}) and installed between batches by {@link
 * io.streamae.scoring.ScoreWindowsWithUpdatesOperator}; {@link io.streamae.scoring.ModelRoutes}
 * pins sensors to model ids and calibration restarts from each new version's prior ({@link
 * io.streamae.scoring.ModelPriors}).
 */
package io.streamae.scoring;
