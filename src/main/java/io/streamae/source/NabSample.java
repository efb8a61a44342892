package io.streamae.source;

import io.streamae.ingest.RawReading;
import io.streamae.model.io.HistoryReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A NAB-format series ({@code timestamp,value}) replayed as sensor readings: by default the bundled
 * machine-temperature series (a real industrial machine that failed; MIT licence, see {@code
 * samples/nab/NOTICE.md}) with its labelled anomaly windows.
 */
public final class NabSample {
  public static final String RESOURCE = "/samples/nab/machine_temperature_system_failure.csv";

  /** NAB's labelled anomaly windows of the bundled series, read with {@code NabLabels}. */
  public static final String WINDOWS_RESOURCE = "/samples/nab/machine_temperature_windows.json";

  public static final List<String> FEATURES = List.of("value");

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
   * Every row as a raw JSON reading. A row that cannot be read still becomes a payload (holding the
   * row text), so the job's parser sends it to the dead letters instead of losing it.
   */
  public List<RawReading> readings() {
    List<RawReading> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String[] fields = fields(line);
      Long ts = fields.length != 2 ? null : HistoryReader.parseTime(fields[0].trim());
      String payload;
      if (ts == null) {
        payload = line;
      } else {
        payload =
            String.format(
                Locale.ROOT,
                "{\"sensorId\":\"%s\",\"ts\":%d,\"values\":{\"value\":%s}}",
                sensorId,
                ts,
                fields[1].trim());
      }
      out.add(
          new RawReading(
              payload.getBytes(StandardCharsets.UTF_8), "nab:" + sensorId + ":" + (i + 2), 0L));
    }
    return out;
  }

  /** Timestamps and values of the rows, for training on a prefix. */
  public long[] timestamps() {
    long[] ts = new long[lines.size()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = HistoryReader.parseTime(fields(lines.get(i))[0].trim());
    }
    return ts;
  }

  public float[] values() {
    float[] v = new float[lines.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(fields(lines.get(i))[1].trim());
    }
    return v;
  }

  /**
   * The fields of one {@code timestamp,value} line, split by commons-csv; a line that is not valid
   * CSV comes back whole as one field, so {@link #readings} forwards it to the dead letters.
   */
  static String[] fields(String line) {
    try (CSVParser parser = CSVParser.parse(line, CSVFormat.DEFAULT)) {
      List<CSVRecord> records = parser.getRecords();
      return records.isEmpty() ? new String[] {line} : records.get(0).values();
    } catch (IOException | UncheckedIOException e) {
      return new String[] {line};
    }
  }
}
