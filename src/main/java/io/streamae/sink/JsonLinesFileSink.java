package io.streamae.sink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes one JSON line per element to a local file, for local runs (use with parallelism 1; each
 * run truncates the file). Clusters write to Kafka instead.
 */
public class JsonLinesFileSink<T> implements Sink<T> {
  /** Serialisable element-to-line function. */
  @FunctionalInterface
  public interface LineEncoder<T> extends Serializable {
    String encode(T element);
  }

  private final String path;
  private final LineEncoder<T> encoder;

  public JsonLinesFileSink(String path, LineEncoder<T> encoder) {
    this.path = path;
    this.encoder = encoder;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    Path file = Paths.get(path);
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) throws IOException {
        writer.write(encoder.encode(element));
        writer.newLine();
      }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        writer.flush();
      }

      @Override
      public void close() throws IOException {
        writer.close();
      }
    };
  }
}
