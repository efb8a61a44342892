package io.streamae.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.ingest.RawReading;
import io.streamae.model.io.HistoryReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A NAB-format series ({@code timestamp,value}) replayed as sensor readings: by default the
 * bundled machine-temperature series (a real industrial machine that failed; MIT licence, see
 * {@code samples/nab/NOTICE.md}) with its labelled anomaly windows.
 */
public final class NabSample {
  public static final String RESOURCE = "/samples/nab/machine_temperature_system_failure.csv";
  public static final String WINDOWS_RESOURCE = "/samples/nab/machine_temperature_windows.json";
  public static final List<String> FEATURES = List.of("value");

  /** A labelled anomaly window, epoch ms (naive timestamps read as UTC). */
  public record Window(long start, long end) {}

  private final String sensorId;
  private final List<String> lines;

  private NabSample(String sensorId, List<String> lines) {
    this.sensorId = sensorId;
    this.lines = lines;
  }

  /** The bundled machine-temperature series. */
  public static NabSample bundled() throws IOException {
    try (InputStream in = NabSample.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("bundled sample " + RESOURCE + " is missing from the jar");
      }
      return new NabSample("machine_temperature", readLines(in));
    }
  }

  public static NabSample of(Path csv) throws IOException {
    io.streamae.model.io.InputFiles.requireFile(csv, "NAB series file");
    String name = csv.getFileName().toString().replaceFirst("\\.csv$", "");
    try (InputStream in = Files.newInputStream(csv)) {
      return new NabSample(name, readLines(in));
    }
  }

  public String sensorId() {
    return sensorId;
  }

  private static List<String> readLines(InputStream in) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      boolean header = true;
      while ((line = r.readLine()) != null) {
        if (header) {
          header = false;
          continue;
        }
        if (!line.isBlank()) {
          out.add(line);
        }
      }
    }
    return out;
  }

  public int rows() {
    return lines.size();
  }

  /**
   * Every row as a raw JSON reading. A row that cannot be read still becomes a payload (holding
   * the row text), so the job's parser sends it to the dead letters instead of losing it.
   */
  public List<RawReading> readings() {
    List<RawReading> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int comma = line.indexOf(',');
      Long ts = comma < 0 ? null : HistoryReader.parseTime(line.substring(0, comma));
      String payload;
      if (ts == null) {
        payload = line;
      } else {
        payload =
            String.format(
                Locale.ROOT,
                "{\"sensorId\":\"%s\",\"ts\":%d,\"values\":{\"value\":%s}}",
                sensorId, ts, line.substring(comma + 1).trim());
      }
      out.add(new RawReading(payload.getBytes(StandardCharsets.UTF_8), "nab:" + sensorId + ":" + (i + 2), 0L));
    }
    return out;
  }

  /** Timestamps and values of the rows, for training on a prefix. */
  public long[] timestamps() {
    long[] ts = new long[lines.size()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = HistoryReader.parseTime(lines.get(i).substring(0, lines.get(i).indexOf(',')));
    }
    return ts;
  }

  public float[] values() {
    float[] v = new float[lines.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(lines.get(i).substring(lines.get(i).indexOf(',') + 1).trim());
    }
    return v;
  }

  /** The labelled windows of the bundled series. */
  public static List<Window> bundledWindows() throws IOException {
    try (InputStream in = NabSample.class.getResourceAsStream(WINDOWS_RESOURCE)) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Window> out = new ArrayList<>();
      for (JsonNode files : root) {
        for (JsonNode pair : files) {
          out.add(new Window(HistoryReader.parseTime(pair.get(0).asText()), HistoryReader.parseTime(pair.get(1).asText())));
        }
      }
      return out;
    }
  }
}
