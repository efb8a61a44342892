package io.streamae.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The dashboard's picture of the fleet, bounded by design.
 *
 * <p>Place: between the followers ({@link JsonLinesTail}, {@link KafkaResultsFollower}) and the web
 * server. Input: result JSON (the job's result records) and dead-letter reasons. Output: JSON views
 * for the page — a summary, a page of the fleet sorted by what needs attention, and one sensor's
 * recent windows. Bounds:
 *
 * <ol>
 *   <li>at most {@code historyPerSensor} windows per sensor (the oldest are dropped);
 *   <li>at most {@code maxSensors} sensors: a new sensor evicts the least recently updated one, and
 *       the evictions are counted and shown;
 *   <li>a sensor's chart data is downsampled to at most the points the page asks for, keeping the
 *       highest-scoring window of every bucket so alarms stay visible.
 * </ol>
 *
 * Bad input never throws: a line that is not a result is counted as unreadable. Thread-safe; every
 * change increments {@link #version()}, which the server pushes to the page.
 */
public final class FleetState {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Windows looked back for the alarm state: a sensor alarmed in its last few windows is ALARM. */
  static final int RECENT_WINDOWS = 10;

  /** Smoothing of the per-feature residual that sets the width of the expected band. */
  private static final double BAND_ALPHA = 0.05;

  /** Half-width of the expected band in residual standard deviations. */
  private static final double BAND_SIGMAS = 3.0;

  private final int maxSensors;
  private final int historyPerSensor;
  private final double alarmLevel;
  private final LongSupplier clock;
  // Insertion order = update order: an updated sensor is removed and re-inserted at the end, so
  // the first entry is always the least recently updated one.
  private final LinkedHashMap<String, Sensor> sensors = new LinkedHashMap<>();
  private final Map<String, Long> deadLetters = new TreeMap<>();
  private long windows;
  private long alarms;
  private long unreadable;
  private long evicted;
  private long version;
  private long lastResultAt = -1;
  private long newestWindowEnd = Long.MIN_VALUE;
  private long lag = -1;
  private String problem;

  /**
   * @param alarmLevel the score at which the job raises an alarm (drawn on the score chart)
   * @param clock wall-clock milliseconds (for freshness), {@code System::currentTimeMillis}
   */
  public FleetState(int maxSensors, int historyPerSensor, double alarmLevel, LongSupplier clock) {
    if (maxSensors < 1 || historyPerSensor < 2) {
      throw new IllegalArgumentException(
          String.format(
              "dashboard needs at least 1 sensor and 2 windows per sensor, got %s and %s",
              maxSensors, historyPerSensor));
    }
    this.maxSensors = maxSensors;
    this.historyPerSensor = historyPerSensor;
    this.alarmLevel = alarmLevel;
    this.clock = clock;
  }

  /** One sensor: its latest record's facts, counts and recent windows. */
  private static final class Sensor {
    final String id;
    String[] features;
    SensorHistory history;
    String modelVersion;
    double threshold = Double.NaN;
    long windows;
    long alarms;
    long lastAlarm = Long.MIN_VALUE;
    long updatedAt;
    // The latest record's predictions: [horizon] times and [horizon, features] values.
    long[] predictionTs = new long[0];
    float[] predictions = new float[0];

    Sensor(String id) {
      this.id = id;
    }

    boolean alarming() {
      int n = history.size();
      for (int i = Math.max(0, n - RECENT_WINDOWS); i < n; i++) {
        if (history.anomalous(i)) {
          return true;
        }
      }
      return false;
    }

    String status() {
      if (alarming()) {
        return "ALARM";
      }
      return history.size() > 0 && history.warmingUp(history.size() - 1) ? "WARMING_UP" : "OK";
    }

    float score() {
      return history.size() == 0 ? 0f : history.score(history.size() - 1);
    }

    /** Event time of the last alarm if it is within the windows held, else Long.MIN_VALUE. */
    long recentAlarm() {
      return history.size() > 0 && lastAlarm >= history.ts(0) ? lastAlarm : Long.MIN_VALUE;
    }

    long lastTs() {
      return history.size() == 0 ? Long.MIN_VALUE : history.ts(history.size() - 1);
    }
  }

  /** Takes in one result line or record value; anything that is not a result is counted. */
  public void result(byte[] json) {
    JsonNode node;
    try {
      node = json == null ? null : JSON.readTree(json);
    } catch (IOException e) {
      node = null;
    }
    result(node);
  }

  public void result(String json) {
    result(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  private synchronized void result(JsonNode r) {
    version++;
    if (r == null
        || !r.isObject()
        || !r.path("sensorId").isTextual()
        || !r.path("windowEnd").canConvertToLong()) {
      unreadable++;
      return;
    }
    String id = r.get("sensorId").asText();
    long windowEnd = r.get("windowEnd").asLong();
    JsonNode featureErrors = r.path("featureErrors");
    List<String> names = new ArrayList<>();
    featureErrors.fieldNames().forEachRemaining(names::add);
    String[] features = names.toArray(String[]::new);

    Sensor s = sensors.remove(id);
    if (s == null) {
      s = new Sensor(id);
      while (sensors.size() >= maxSensors) {
        Iterator<Map.Entry<String, Sensor>> oldest = sensors.entrySet().iterator();
        oldest.next();
        oldest.remove();
        evicted++;
      }
    }
    sensors.put(id, s);
    if (s.features == null || !Arrays.equals(s.features, features)) {
      // A new sensor, or a model with other features: its history starts afresh.
      s.features = features;
      s.history = new SensorHistory(historyPerSensor, features.length);
      s.predictionTs = new long[0];
      s.predictions = new float[0];
    }
    int f = features.length;
    float[] errors = new float[f];
    float[] values = new float[f];
    float[] expected = new float[f];
    JsonNode last = r.path("lastReading").path("values");
    int predicted = Arrays.binarySearch(s.predictionTs, windowEnd);
    for (int i = 0; i < f; i++) {
      errors[i] = number(featureErrors.get(features[i]));
      values[i] = number(last.get(features[i]));
      expected[i] = predicted >= 0 ? s.predictions[predicted * f + i] : Float.NaN;
    }
    JsonNode predictions = r.path("predictions");
    int horizon = predictions.isArray() ? predictions.size() : 0;
    s.predictionTs = new long[horizon];
    s.predictions = new float[horizon * f];
    for (int p = 0; p < horizon; p++) {
      JsonNode step = predictions.get(p);
      s.predictionTs[p] = step.path("ts").asLong(Long.MIN_VALUE);
      for (int i = 0; i < f; i++) {
        s.predictions[p * f + i] = number(step.path("values").get(features[i]));
      }
    }
    boolean anomalous = r.path("anomalous").asBoolean(false);
    byte flags =
        (byte)
            ((anomalous ? SensorHistory.ANOMALOUS : 0)
                | (r.path("warmingUp").asBoolean(false) ? SensorHistory.WARMING_UP : 0));
    s.history.add(
        windowEnd,
        number(r.get("anomalyScore")),
        number(r.get("reconstructionError")),
        number(r.get("predictionError")),
        flags,
        values,
        expected,
        errors);
    s.modelVersion = r.path("modelVersion").asText(null);
    s.threshold = number(r.get("threshold"));
    s.windows++;
    s.updatedAt = clock.getAsLong();
    windows++;
    if (anomalous) {
      s.alarms++;
      s.lastAlarm = windowEnd;
      alarms++;
    }
    lastResultAt = s.updatedAt;
    newestWindowEnd = Math.max(newestWindowEnd, windowEnd);
  }

  /** Counts one dead letter under its reason ({@code UNKNOWN} when it has none). */
  public synchronized void deadLetter(String reason) {
    version++;
    deadLetters.merge(reason == null || reason.isBlank() ? "UNKNOWN" : reason, 1L, Long::sum);
  }

  /** Counts a dead-letter line of the local run's JSON-lines file under its {@code reason}. */
  public void deadLetterLine(String json) {
    String reason;
    try {
      JsonNode node = JSON.readTree(json);
      reason =
          node != null && node.path("reason").isTextual()
              ? node.get("reason").asText()
              : "UNREADABLE";
    } catch (IOException e) {
      reason = "UNREADABLE";
    }
    deadLetter(reason);
  }

  /** Counts a line that could not be read at all (e.g. longer than the follower accepts). */
  public synchronized void unreadable() {
    version++;
    unreadable++;
  }

  /** The follower's input lag in records (Kafka consumer lag); negative when unknown. */
  public synchronized void lag(long records) {
    if (records != lag) {
      version++;
      lag = records;
    }
  }

  /** Shows why the results are no longer followed (the page says so in its header). */
  public synchronized void problem(String text) {
    version++;
    problem = text;
  }

  /** Increases with every change; the server pushes an update when it moved. */
  public synchronized long version() {
    return version;
  }

  public synchronized int sensorCount() {
    return sensors.size();
  }

  /** History entries allocated across all sensors (the memory the bounds limit). */
  public synchronized long allocatedWindows() {
    long n = 0;
    for (Sensor s : sensors.values()) {
      n += s.history.allocated();
    }
    return n;
  }

  /** Counts, freshness and bounds, for the page's header. */
  public synchronized ObjectNode summary() {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", version);
    n.put("serverTime", clock.getAsLong());
    n.put("sensors", sensors.size());
    int alarming = 0;
    int warming = 0;
    for (Sensor s : sensors.values()) {
      String status = s.status();
      if (status.equals("ALARM")) {
        alarming++;
      } else if (status.equals("WARMING_UP")) {
        warming++;
      }
    }
    n.put("alarming", alarming);
    n.put("warmingUp", warming);
    n.put("windows", windows);
    n.put("alarms", alarms);
    n.put("unreadable", unreadable);
    n.put("evicted", evicted);
    n.put("maxSensors", maxSensors);
    n.put("historyPerSensor", historyPerSensor);
    n.put("alarmLevel", alarmLevel);
    long dead = 0;
    ObjectNode reasons = n.putObject("deadLetters");
    for (Map.Entry<String, Long> e : deadLetters.entrySet()) {
      reasons.put(e.getKey(), e.getValue());
      dead += e.getValue();
    }
    n.put("deadLettersTotal", dead);
    if (lastResultAt >= 0) {
      n.put("lastResultAt", lastResultAt);
      n.put("newestWindowEnd", newestWindowEnd);
    } else {
      n.putNull("lastResultAt");
      n.putNull("newestWindowEnd");
    }
    if (problem != null) {
      n.put("problem", problem);
    }
    if (lag >= 0) {
      n.put("lag", lag);
    } else {
      n.putNull("lag");
    }
    return n;
  }

  /**
   * Alarming sensors first, highest score first; then sensors that alarmed within the windows held,
   * latest alarm first (a fault that just ended still needs a look); then the rest by current
   * score; ties by name.
   */
  private static final Comparator<Sensor> ATTENTION =
      Comparator.comparing((Sensor s) -> !s.alarming())
          .thenComparing(
              (Sensor s) -> s.alarming() ? Long.MIN_VALUE : s.recentAlarm(),
              Comparator.reverseOrder())
          .thenComparing(Sensor::score, Comparator.reverseOrder())
          .thenComparing(s -> s.id);

  /**
   * One page of the fleet, sorted by what needs attention.
   *
   * @param filter case-insensitive part of the sensor id; empty for all
   */
  public synchronized ObjectNode fleet(int offset, int limit, String filter) {
    String needle = filter == null ? "" : filter.toLowerCase(Locale.ROOT);
    List<Sensor> matching = new ArrayList<>(needle.isEmpty() ? sensors.size() : 16);
    for (Sensor s : sensors.values()) {
      if (needle.isEmpty() || s.id.toLowerCase(Locale.ROOT).contains(needle)) {
        matching.add(s);
      }
    }
    matching.sort(ATTENTION);
    int from = Math.max(0, Math.min(offset, matching.size()));
    int to = Math.min(matching.size(), from + Math.max(0, limit));
    ObjectNode n = JSON.createObjectNode();
    n.put("total", matching.size());
    n.put("offset", from);
    n.put("limit", limit);
    ArrayNode rows = n.putArray("rows");
    for (Sensor s : matching.subList(from, to)) {
      ObjectNode row = rows.addObject();
      row.put("id", s.id);
      row.put("status", s.status());
      number(row, "score", s.score());
      row.put("windows", s.windows);
      row.put("alarms", s.alarms);
      row.put("modelVersion", s.modelVersion);
      row.put("lastTs", s.lastTs());
      if (s.lastAlarm != Long.MIN_VALUE) {
        row.put("lastAlarm", s.lastAlarm);
      }
      String top = topFeature(s);
      if (top != null) {
        row.put("topFeature", top);
      }
      row.put("updatedAt", s.updatedAt);
    }
    return n;
  }

  private static String topFeature(Sensor s) {
    int n = s.history.size();
    if (n == 0 || s.features.length == 0) {
      return null;
    }
    int best = -1;
    for (int f = 0; f < s.features.length; f++) {
      float e = s.history.featureError(n - 1, f);
      if (Float.isFinite(e) && (best < 0 || e > s.history.featureError(n - 1, best))) {
        best = f;
      }
    }
    return best < 0 ? null : s.features[best];
  }

  /**
   * One sensor's recent windows for its charts, or null when it is not (or no longer) held.
   *
   * @param maxPoints most points per series; longer histories are downsampled by buckets, each
   *     represented by its highest-scoring window
   */
  public synchronized ObjectNode sensor(String id, int maxPoints) {
    Sensor s = sensors.get(id);
    if (s == null) {
      return null;
    }
    SensorHistory h = s.history;
    int size = h.size();
    int features = s.features.length;
    ObjectNode n = JSON.createObjectNode();
    n.put("id", s.id);
    n.put("status", s.status());
    n.put("modelVersion", s.modelVersion);
    n.put("windows", s.windows);
    n.put("alarms", s.alarms);
    n.put("alarmLevel", alarmLevel);
    number(n, "threshold", (float) s.threshold);
    n.put("held", size);
    ArrayNode names = n.putArray("features");
    for (String f : s.features) {
      names.add(f);
    }

    // Expected band: the model's earlier prediction for each reading ± BAND_SIGMAS times the
    // running RMS of (reading − prediction) before that reading, per feature.
    float[] lo = new float[size * features];
    float[] hi = new float[size * features];
    for (int f = 0; f < features; f++) {
      double variance = Double.NaN;
      for (int i = 0; i < size; i++) {
        float e = h.expected(i, f);
        double sigma = Double.isNaN(variance) ? Double.NaN : Math.sqrt(variance);
        lo[i * features + f] = (float) (e - BAND_SIGMAS * sigma);
        hi[i * features + f] = (float) (e + BAND_SIGMAS * sigma);
        float v = h.value(i, f);
        if (Float.isFinite(e) && Float.isFinite(v)) {
          double r2 = (v - e) * (double) (v - e);
          variance = Double.isNaN(variance) ? r2 : (1 - BAND_ALPHA) * variance + BAND_ALPHA * r2;
        }
      }
    }

    int[] picked = downsample(h, Math.max(2, maxPoints));
    ArrayNode ts = n.putArray("ts");
    ArrayNode score = n.putArray("score");
    ArrayNode rec = n.putArray("reconstructionError");
    ArrayNode pred = n.putArray("predictionError");
    ArrayNode anomalous = n.putArray("anomalous");
    ObjectNode values = n.putObject("values");
    ObjectNode expected = n.putObject("expected");
    ObjectNode bandLo = n.putObject("expectedLow");
    ObjectNode bandHi = n.putObject("expectedHigh");
    ObjectNode errors = n.putObject("featureErrors");
    for (int i : picked) {
      ts.add(h.ts(i));
      add(score, h.score(i));
      add(rec, h.reconstructionError(i));
      add(pred, h.predictionError(i));
      anomalous.add(h.anomalous(i) ? 1 : 0);
    }
    for (int f = 0; f < features; f++) {
      ArrayNode v = values.putArray(s.features[f]);
      ArrayNode e = expected.putArray(s.features[f]);
      ArrayNode l = bandLo.putArray(s.features[f]);
      ArrayNode u = bandHi.putArray(s.features[f]);
      ArrayNode fe = errors.putArray(s.features[f]);
      for (int i : picked) {
        add(v, h.value(i, f));
        add(e, h.expected(i, f));
        add(l, lo[i * features + f]);
        add(u, hi[i * features + f]);
        add(fe, h.featureError(i, f));
      }
    }
    if (s.predictionTs.length > 0) {
      ObjectNode next = n.putObject("next");
      next.put("ts", s.predictionTs[0]);
      ObjectNode nv = next.putObject("values");
      for (int f = 0; f < features; f++) {
        number(nv, s.features[f], s.predictions[f]);
      }
    }
    // Alarm episodes over the full history: runs of anomalous windows, merged across short breaks.
    ArrayNode episodes = n.putArray("episodes");
    int start = -1;
    int lastAnomalous = -1;
    for (int i = 0; i < size; i++) {
      if (h.anomalous(i)) {
        if (start < 0 || i - lastAnomalous > RECENT_WINDOWS) {
          if (start >= 0) {
            episode(episodes, h, start, lastAnomalous);
          }
          start = i;
        }
        lastAnomalous = i;
      }
    }
    if (start >= 0) {
      episode(episodes, h, start, lastAnomalous);
    }
    return n;
  }

  private static void episode(ArrayNode episodes, SensorHistory h, int from, int to) {
    ObjectNode e = episodes.addObject();
    e.put("start", h.ts(from));
    e.put("end", h.ts(to));
    int alarmsIn = 0;
    float max = 0;
    for (int i = from; i <= to; i++) {
      alarmsIn += h.anomalous(i) ? 1 : 0;
      max = Math.max(max, Float.isFinite(h.score(i)) ? h.score(i) : 0);
    }
    e.put("alarms", alarmsIn);
    e.put("maxScore", max);
  }

  /** Indexes to draw: all when they fit, else the highest-scoring of each bucket (and the last). */
  static int[] downsample(SensorHistory h, int maxPoints) {
    int size = h.size();
    if (size <= maxPoints) {
      int[] all = new int[size];
      for (int i = 0; i < size; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] out = new int[maxPoints];
    for (int b = 0; b < maxPoints; b++) {
      int from = (int) ((long) b * size / maxPoints);
      int to = (int) ((long) (b + 1) * size / maxPoints);
      int best = from;
      for (int i = from; i < to; i++) {
        boolean better =
            h.anomalous(i) && !h.anomalous(best)
                || h.anomalous(i) == h.anomalous(best) && h.score(i) > h.score(best);
        if (better) {
          best = i;
        }
      }
      out[b] = best;
    }
    out[maxPoints - 1] = size - 1;
    return out;
  }

  private static float number(JsonNode n) {
    return n != null && n.isNumber() ? n.floatValue() : Float.NaN;
  }

  private static void add(ArrayNode a, float v) {
    if (Float.isFinite(v)) {
      a.add(v);
    } else {
      a.addNull();
    }
  }

  private static void number(ObjectNode n, String key, float v) {
    if (Float.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }
}
