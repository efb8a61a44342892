package io.streamae.scoring;

import io.streamae.model.io.ModelBundle;
import io.streamae.model.io.ModelMetadata;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each loaded model's own error distribution, by version label ({@code modelId:modelVersion}), for
 * {@link CalibrateScoresFunction} to restart a sensor's calibration from when the version scoring
 * it changes. {@code score-windows} registers every bundle it loads before any record of that
 * version leaves it; {@code calibrate-scores} runs chained behind it in the same task, so the prior
 * of every version it sees is here. Bundles are read-only, so a label always maps to the same
 * prior.
 */
public final class ModelPriors {
  private static final Map<String, AnomalyLikelihood.Prior> PRIORS = new ConcurrentHashMap<>();

  private ModelPriors() {}

  /** Remembers {@code bundle}'s validation error summary as the prior of its version. */
  public static void register(ModelBundle bundle) {
    AnomalyLikelihood.Prior prior = of(bundle.metadata());
    if (prior != null) {
      PRIORS.put(bundle.versionLabel(), prior);
    }
  }

  /** The prior of a version label, or null when no bundle of that version was loaded here. */
  public static AnomalyLikelihood.Prior lookup(String versionLabel) {
    return versionLabel == null ? null : PRIORS.get(versionLabel);
  }

  /**
   * The calibration prior stored in a bundle's metadata: its validation error summary, for the
   * error stream the bundle's threshold is on; null when the bundle has none.
   */
  public static AnomalyLikelihood.Prior of(ModelMetadata metadata) {
    ModelMetadata.Calibration c = metadata.calibration();
    if (c == null || c.validation() == null) {
      return null;
    }
    ModelMetadata.ErrorSummary v = c.validation();
    int stream =
        "prediction".equalsIgnoreCase(c.errorKind())
            ? AnomalyLikelihood.PREDICTION
            : AnomalyLikelihood.RECONSTRUCTION;
    AnomalyLikelihood.Prior prior =
        new AnomalyLikelihood.Prior(
            stream, metadata.featureNames().size(), v.count(), v.p50(), v.p90(), v.p99(), v.max());
    return prior.usable() ? prior : null;
  }
}
