/**
 * Continual retraining beside the scoring job: a side process ({@code streamae retrain}, or a
 * thread of {@code streamae run --continual-retrain}) follows the job's results, keeps a bounded
 * sample of the windows the job judged normal per model ({@link
 * io.streamae.retrain.NormalWindowSampler}), detects drift from each sensor's recent error median
 * against the model's validation error ({@link io.streamae.retrain.DriftDetector}), fine-tunes a
 * new version from the current weights on ND4J in one paced thread ({@link
 * io.streamae.retrain.Retrainer}, {@link io.streamae.retrain.CpuBudget}) and publishes it on the
 * model-updates topic or over the watched model file ({@link io.streamae.retrain.ModelPublisher}),
 * where the running job's hot swap takes it. Offline code: training never runs inside the scoring
 * job, whose jar holds no ND4J, so scoring keeps its slots and a retrain can never fail a
 * checkpoint.
 */
package io.streamae.retrain;
