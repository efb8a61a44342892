package io.streamae.model.io;

import io.streamae.model.definition.AutoencoderSpec;
import java.util.List;
import java.util.Map;

/**
 * Contents of {@code metadata.json} in a model bundle: everything needed to use and trust the
 * parameters next to it.
 *
 * @param formatVersion bundle layout version; readers refuse versions they do not know
 * @param modelId stable name of the model (e.g. the fleet or sensor type it watches)
 * @param modelVersion version of this training run, shown on every result record
 * @param createdAt ISO-8601 instant
 */
public record ModelMetadata(
    int formatVersion,
    String modelId,
    String modelVersion,
    String createdAt,
    AutoencoderSpec architecture,
    List<String> featureNames,
    Normalization normalization,
    Calibration calibration,
    Provenance training,
    Parameters parameters) {

  /** Per-feature z-score statistics, in feature order. */
  public record Normalization(double[] mean, double[] std) {}

  /**
   * Anomaly threshold on the window reconstruction error (normalised units), and the validation
   * error distribution it was calibrated on.
   *
   * @param method {@code percentile} or {@code sigma}
   * @param parameter the percentile (e.g. 99.5) or k of mean + k·σ
   * @param errorKind {@code reconstruction} or {@code prediction}: which error the threshold is for
   */
  public record Calibration(
      String method,
      double parameter,
      String errorKind,
      double threshold,
      ErrorSummary validation) {}

  /** Summary of an error distribution. */
  public record ErrorSummary(
      long count, double mean, double std, double p50, double p90, double p99, double max) {}

  /** Where the model came from. */
  public record Provenance(
      String dataSource,
      String dataSha256,
      long rows,
      long trainingWindows,
      long validationWindows,
      int epochs,
      int bestEpoch,
      double finalTrainLoss,
      double finalValidationLoss,
      long seed,
      Map<String, Object> options,
      Map<String, String> libraries) {}

  /** Index of {@code parameters.bin}: arrays in file order, little-endian float32. */
  public record Parameters(String file, String sha256, List<ArrayEntry> arrays) {}

  public record ArrayEntry(String name, int[] shape) {}
}
