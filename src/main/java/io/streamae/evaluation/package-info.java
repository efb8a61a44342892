/**
 * Offline evaluation of anomaly scores with the Numenta Anomaly Benchmark (NAB): reading NAB data
 * series ({@link io.streamae.evaluation.NabSeries}) and label windows ({@link
 * io.streamae.evaluation.NabLabels}), writing and reading NAB results files ({@link
 * io.streamae.evaluation.NabResultsFile}), and NAB's window-based scoring with threshold
 * optimisation and normalisation per application profile ({@link io.streamae.evaluation.NabScorer},
 * {@link io.streamae.evaluation.NabProfile}), all pure Java; and the {@code evaluate} orchestration
 * ({@link io.streamae.evaluation.NabEvaluation}), which trains a model per series and streams the
 * series through the production job graph on a local Flink environment. Every timestamp is a naive
 * local time converted to epoch milliseconds as if UTC.
 */
package io.streamae.evaluation;
