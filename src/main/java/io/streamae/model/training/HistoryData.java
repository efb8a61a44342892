package io.streamae.model.training;

import java.util.List;
import java.util.Map;

/**
 * Sensor history read from a file: rows per sensor in time order, features in {@code
 * featureNames} order, plus the rows that could not be used.
 *
 * @param series per sensor id, in first-seen order
 * @param sha256 checksum of the file, for the bundle's provenance
 */
public record HistoryData(
    List<String> featureNames,
    Map<String, Series> series,
    long usableRows,
    List<BadRow> badRows,
    long badRowCount,
    String sha256) {

  /** One sensor's readings: {@code timestamps[i]} belongs to row {@code values[i*F .. (i+1)*F)}. */
  public record Series(long[] timestamps, float[] values) {
    public int rows() {
      return timestamps.length;
    }
  }

  /** A rejected input row: its 1-based line number and why. */
  public record BadRow(long line, String reason) {}
}
