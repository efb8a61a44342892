package io.streamae.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NAB anomaly windows per data file, as in NAB's {@code labels/combined_windows.json}.
 *
 * <p>Input: a JSON object mapping {@code "category/file.csv"} to a list of {@code [start, end]}
 * pairs of naive timestamps {@code yyyy-MM-dd HH:mm:ss[.ffffff]}; an empty list means the file has
 * no anomaly. Output: the windows per file, in file order, each inclusive at both ends. Windows of
 * one file must be in time order and must not overlap (NAB's scorer walks them in order); a
 * violation fails with an {@link IllegalArgumentException} naming the source, file key and pair.
 * Timestamps convert to epoch milliseconds as if UTC ({@link NabSeries#toEpochMillis}).
 */
public final class NabLabels {

  /**
   * One anomaly window, inclusive at both ends.
   *
   * @param start first timestamp inside the window (naive local time)
   * @param end last timestamp inside the window, not before {@code start}
   */
  public record Window(LocalDateTime start, LocalDateTime end) {
    public Window {
      if (end.isBefore(start)) {
        throw new IllegalArgumentException(
            String.format("window end %s is before its start %s", end, start));
      }
      // Both ends must fit the millisecond representation used by the scorer.
      NabSeries.toEpochMillis(start);
      NabSeries.toEpochMillis(end);
    }

    /** Parses a pair of NAB label timestamps. */
    public static Window parse(String start, String end) {
      return new Window(NabSeries.parseTimestamp(start), NabSeries.parseTimestamp(end));
    }

    /** Start as epoch milliseconds (naive time read as UTC). */
    public long startMs() {
      return NabSeries.toEpochMillis(start);
    }

    /** End as epoch milliseconds (naive time read as UTC). */
    public long endMs() {
      return NabSeries.toEpochMillis(end);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, List<Window>> windows;

  /**
   * @param windows windows per file key; each list in time order without overlaps
   */
  public NabLabels(Map<String, List<Window>> windows) {
    Map<String, List<Window>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<Window>> entry : windows.entrySet()) {
      List<Window> list = List.copyOf(entry.getValue());
      for (int i = 1; i < list.size(); i++) {
        if (!list.get(i).start().isAfter(list.get(i - 1).end())) {
          throw new IllegalArgumentException(
              String.format(
                  "%s: window %s (%s .. %s) does not start after window %s ends (%s)",
                  entry.getKey(),
                  i,
                  list.get(i).start(),
                  list.get(i).end(),
                  i - 1,
                  list.get(i - 1).end()));
        }
      }
      copy.put(entry.getKey(), list);
    }
    this.windows = Collections.unmodifiableMap(copy);
  }

  /** Reads a labels JSON file. */
  public static NabLabels read(Path path) throws IOException {
    return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
  }

  /**
   * Parses labels JSON text.
   *
   * @param json the JSON text
   * @param source where the text came from, used in error messages
   */
  public static NabLabels parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          String.format("%s is not valid JSON: %s", source, e.getOriginalMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          String.format("%s: expected a JSON object of file -> [[start, end], ...]", source));
    }
    Map<String, List<Window>> windows = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String file = field.getKey();
      JsonNode pairs = field.getValue();
      if (!pairs.isArray()) {
        throw new IllegalArgumentException(
            String.format(
                "%s: windows of %s must be a list, found %s", source, file, pairs.getNodeType()));
      }
      List<Window> list = new ArrayList<>();
      for (int i = 0; i < pairs.size(); i++) {
        list.add(parsePair(source, file, i, pairs.get(i)));
      }
      windows.put(file, list);
    }
    try {
      return new NabLabels(windows);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(String.format("%s: %s", source, e.getMessage()), e);
    }
  }

  private static Window parsePair(String source, String file, int index, JsonNode pair) {
    if (!pair.isArray()
        || pair.size() != 2
        || !pair.get(0).isTextual()
        || !pair.get(1).isTextual()) {
      throw new IllegalArgumentException(
          String.format(
              "%s: window %s of %s must be [\"start\", \"end\"], found %s",
              source, index, file, pair));
    }
    try {
      return Window.parse(pair.get(0).asText(), pair.get(1).asText());
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format("%s: window %s of %s is invalid: %s", source, index, file, e.getMessage()),
          e);
    }
  }

  /** File keys in the order of the labels file. */
  public Set<String> files() {
    return windows.keySet();
  }

  /** Number of files. */
  public int size() {
    return windows.size();
  }

  /** Whether {@code file} has an entry (possibly with no windows). */
  public boolean contains(String file) {
    return windows.containsKey(file);
  }

  /**
   * Windows of one file, in time order.
   *
   * @throws IllegalArgumentException when the file has no entry, so a typo never reads as "no
   *     anomalies"
   */
  public List<Window> windows(String file) {
    List<Window> list = windows.get(file);
    if (list == null) {
      throw new IllegalArgumentException(
          String.format("no labels for %s; labelled files are %s", file, windows.keySet()));
    }
    return list;
  }

  /** Total number of windows over all files. */
  public int windowCount() {
    return windows.values().stream().mapToInt(List::size).sum();
  }

  /** All windows per file, unmodifiable, in file order. */
  public Map<String, List<Window>> asMap() {
    return windows;
  }
}
