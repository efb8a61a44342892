package io.streamae.scoring;

/**
 * Metric names of the scoring job. A dashboard sees them under the operator's scope, e.g. {@code
 * <host>.taskmanager.<tm>.<job>.score-windows.<subtask>.anomaly.scoring.windowsScored}; with the
 * Prometheus reporter: {@code flink_taskmanager_job_task_operator_anomaly_scoring_windowsScored}.
 */
public final class ScoringMetrics {
  public static final String GROUP = "anomaly";
  public static final String SCORING = "scoring";
  public static final String MODEL = "model";
  public static final String WINDOWS_SCORED = "windowsScored";
  public static final String ANOMALIES = "anomalies";

  /** Windows flagged by {@code calibrate-scores} (likelihood at or above the alarm level). */
  public static final String ALARMS = "alarms";

  /** Windows scored 0 because their sensor was still warming up. */
  public static final String WINDOWS_WARMING_UP = "windowsWarmingUp";

  public static final String SCORING_FAILURES = "scoringFailures";
  public static final String SCORING_LATENCY_MS = "scoringLatencyMs";
  public static final String MODEL_VERSION = "version";
  public static final String MODEL_LOADED_AT = "loadedAt";

  /**
   * Key of the group whose value is the model version ({@code
   * anomaly.model.modelVersion.<version>}); its gauge {@link #MODEL_INFO} is always 1. String
   * gauges such as {@link #MODEL_VERSION} read as 0 in Prometheus, a label keeps the text: {@code
   * flink_taskmanager_job_task_operator_anomaly_model_modelVersion_info{modelVersion="pumps:3"}}.
   */
  public static final String MODEL_VERSION_KEY = "modelVersion";

  public static final String MODEL_INFO = "info";

  /** Model updates verified and in use ({@code anomaly.model.modelUpdatesApplied}). */
  public static final String MODEL_UPDATES_APPLIED = "modelUpdatesApplied";

  /**
   * Model updates refused, each also a dead letter ({@code anomaly.model.modelUpdatesRejected}).
   */
  public static final String MODEL_UPDATES_REJECTED = "modelUpdatesRejected";

  private ScoringMetrics() {}
}
