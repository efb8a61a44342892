package io.streamae.sink;

import java.util.Arrays;
import java.util.Objects;

/**
 * The result of scoring one window: everything a dashboard needs without joins.
 *
 * @param windowStart event time of the window's first reading, epoch ms
 * @param windowEnd event time of the window's last reading; also the record's event time
 * @param reconstructionError mean squared reconstruction error over the window, in normalised units
 *     (NaN for a prediction-only model)
 * @param featureNames the model's features, the order of every per-feature array
 * @param featureErrors per-feature mean squared reconstruction error, normalised units
 * @param attribution each feature's share of the reconstruction error, summing to 1
 * @param predictions next-step predictions {@code [horizon, features]} in original units
 * @param predictionTimestamps the event times the predictions are for
 * @param predictionError mean squared error (normalised units) of the previous window's prediction
 *     against the readings that then arrived; NaN when none can be compared
 * @param anomalyScore calibrated score in [0, 1], the same meaning for every sensor and model:
 *     {@code x / (x + 5)} for a tail probability {@code p = 10^-x} of the window's errors among
 *     this sensor's normal errors (0.5 at p = 1e-5); 0 while warming up. Before the {@code
 *     calibrate-scores} stage it is the uncalibrated {@code e / (e + threshold)}
 * @param threshold the bundle's calibrated reconstruction-error threshold, as trained
 * @param anomalous whether the window is part of an alarm: likelihood at or above {@code
 *     scoring.alarm-likelihood}, held while it stays at or above {@code
 *     scoring.release-likelihood}; before calibration, error above threshold
 * @param warmingUp whether the sensor is still in its first {@code scoring.warmup-windows} windows,
 *     whose scores are 0 while its error distribution is learnt
 * @param filledValues steps of the window filled across a gap rather than measured
 * @param status {@code OK}, or why the window could not be scored
 * @param releasedByTimeout whether the window was released by the staleness bound ({@code
 *     window.max-staleness}: its newest reading waited that long without the watermark passing it)
 *     rather than by the watermark
 * @param lastValues the window's last reading (at {@code windowEnd}) in original units, in feature
 *     order, so a dashboard can draw readings against predictions; empty when not known
 */
public record AnomalyRecord(
    String sensorId,
    long windowStart,
    long windowEnd,
    double reconstructionError,
    String[] featureNames,
    float[] featureErrors,
    float[] attribution,
    float[] predictions,
    long[] predictionTimestamps,
    double predictionError,
    double anomalyScore,
    double threshold,
    boolean anomalous,
    boolean warmingUp,
    int filledValues,
    String modelVersion,
    String status,
    boolean releasedByTimeout,
    float[] lastValues) {

  public static final String OK = "OK";

  /** A record without the last reading's values (written without a {@code lastReading} key). */
  public AnomalyRecord(
      String sensorId,
      long windowStart,
      long windowEnd,
      double reconstructionError,
      String[] featureNames,
      float[] featureErrors,
      float[] attribution,
      float[] predictions,
      long[] predictionTimestamps,
      double predictionError,
      double anomalyScore,
      double threshold,
      boolean anomalous,
      boolean warmingUp,
      int filledValues,
      String modelVersion,
      String status) {
    this(
        sensorId,
        windowStart,
        windowEnd,
        reconstructionError,
        featureNames,
        featureErrors,
        attribution,
        predictions,
        predictionTimestamps,
        predictionError,
        anomalyScore,
        threshold,
        anomalous,
        warmingUp,
        filledValues,
        modelVersion,
        status,
        false,
        new float[0]);
  }

  public boolean ok() {
    return OK.equals(status);
  }

  /** The same record with a calibrated score, alarm decision and warm-up flag. */
  public AnomalyRecord withCalibration(double score, boolean alarm, boolean warming) {
    return new AnomalyRecord(
        sensorId,
        windowStart,
        windowEnd,
        reconstructionError,
        featureNames,
        featureErrors,
        attribution,
        predictions,
        predictionTimestamps,
        predictionError,
        score,
        threshold,
        alarm,
        warming,
        filledValues,
        modelVersion,
        status,
        releasedByTimeout,
        lastValues);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnomalyRecord r
        && sensorId.equals(r.sensorId)
        && windowStart == r.windowStart
        && windowEnd == r.windowEnd
        && Double.compare(reconstructionError, r.reconstructionError) == 0
        && Arrays.equals(featureNames, r.featureNames)
        && Arrays.equals(featureErrors, r.featureErrors)
        && Arrays.equals(attribution, r.attribution)
        && Arrays.equals(predictions, r.predictions)
        && Arrays.equals(predictionTimestamps, r.predictionTimestamps)
        && Double.compare(predictionError, r.predictionError) == 0
        && Double.compare(anomalyScore, r.anomalyScore) == 0
        && Double.compare(threshold, r.threshold) == 0
        && anomalous == r.anomalous
        && warmingUp == r.warmingUp
        && filledValues == r.filledValues
        && Objects.equals(modelVersion, r.modelVersion)
        && Objects.equals(status, r.status)
        && releasedByTimeout == r.releasedByTimeout
        && Arrays.equals(lastValues, r.lastValues);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sensorId, windowStart, windowEnd, reconstructionError, anomalous, status);
  }

  @Override
  public String toString() {
    return String.format(
        "AnomalyRecord[%s %d..%d error=%.5f score=%.3f anomalous=%s%s%s %s]",
        sensorId,
        windowStart,
        windowEnd,
        reconstructionError,
        anomalyScore,
        anomalous,
        warmingUp ? " warming-up" : "",
        releasedByTimeout ? " timeout" : "",
        status);
  }
}
