package io.streamae.local;

import io.streamae.ingest.RawReading;
import io.streamae.model.io.HistoryData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A history file, already read by {@link io.streamae.model.io.HistoryReader}, as the raw readings
 * of a local run: one JSON reading per row, merged across sensors in event-time order. A local file
 * is bounded, so sorting it costs nothing and keeps a file grouped by sensor from dragging the
 * watermark past the next sensor's readings (which would make them late).
 *
 * <p>Input: the file's series (features in model order). Output: {@link RawReading}s whose payload
 * is the stream's reading format, so they pass the same parser, windows and dead-letter rules as
 * Kafka input; the origin is {@code file:<name>}.
 */
public final class FileReadings {
  private FileReadings() {}

  public static List<RawReading> inEventTimeOrder(HistoryData history, String fileName) {
    List<String> features = history.featureNames();
    int width = features.size();
    List<long[]> order = new ArrayList<>(); // {timestamp, sensor index, row}
    List<String> sensors = new ArrayList<>(history.series().keySet());
    for (int s = 0; s < sensors.size(); s++) {
      HistoryData.Series series = history.series().get(sensors.get(s));
      for (int i = 0; i < series.rows(); i++) {
        order.add(new long[] {series.timestamps()[i], s, i});
      }
    }
    order.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    List<RawReading> out = new ArrayList<>(order.size());
    String origin = "file:" + fileName;
    StringBuilder sb = new StringBuilder(128);
    for (long[] o : order) {
      String sensor = sensors.get((int) o[1]);
      HistoryData.Series series = history.series().get(sensor);
      float[] values =
          Arrays.copyOfRange(series.values(), (int) o[2] * width, ((int) o[2] + 1) * width);
      sb.setLength(0);
      sb.append("{\"sensorId\":");
      quote(sb, sensor);
      sb.append(",\"ts\":").append(o[0]).append(",\"values\":{");
      for (int f = 0; f < width; f++) {
        if (f > 0) {
          sb.append(',');
        }
        quote(sb, features.get(f));
        sb.append(':').append(values[f]);
      }
      sb.append("}}");
      out.add(new RawReading(sb.toString().getBytes(StandardCharsets.UTF_8), origin, o[0]));
    }
    return out;
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
