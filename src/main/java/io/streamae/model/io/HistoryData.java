package io.streamae.model.io;

import java.util.List;
import java.util.Map;

/**
 * Sensor history read from a file: rows per sensor in time order, features in {@code featureNames}
 * order, plus the rows that could not be used.
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

  /**
   * The bad-row report every command prints: a count, then the first {@code max} rows with line
   * number and reason; empty when every row was usable.
   */
  public List<String> badRowReport(String file, int max) {
    List<String> lines = new java.util.ArrayList<>();
    if (badRowCount == 0) {
      return lines;
    }
    lines.add(String.format(java.util.Locale.ROOT, "%s: %,d bad rows skipped", file, badRowCount));
    for (BadRow bad : badRows.subList(0, Math.min(max, badRows.size()))) {
      lines.add(String.format(java.util.Locale.ROOT, "  line %d: %s", bad.line(), bad.reason()));
    }
    if (badRowCount > max) {
      lines.add(String.format(java.util.Locale.ROOT, "  … %,d more bad rows", badRowCount - max));
    }
    return lines;
  }

  /** Rows of the longest series. */
  public int longestSeries() {
    int longest = 0;
    for (Series s : series.values()) {
      longest = Math.max(longest, s.rows());
    }
    return longest;
  }

  /**
   * @throws io.streamae.model.io.UnusableInputException when no sensor has a whole window of {@code
   *     timesteps} readings
   */
  public void requireWindow(String file, int timesteps)
      throws io.streamae.model.io.UnusableInputException {
    if (longestSeries() < timesteps) {
      throw new io.streamae.model.io.UnusableInputException(
          String.format(
              java.util.Locale.ROOT,
              "%s has at most %d usable readings per sensor, fewer than one window of %d: nothing to score",
              file,
              longestSeries(),
              timesteps));
    }
  }

  /** A rejected input row: its 1-based line number and why. */
  public record BadRow(long line, String reason) {}
}
