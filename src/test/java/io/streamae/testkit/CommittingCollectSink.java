package io.streamae.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * An exactly-once test sink: elements become visible only when the checkpoint that covers them
 * commits, like a transactional Kafka sink read with {@code read_committed}. Elements of a failed
 * attempt are discarded and replayed, so a correct job shows each element once.
 */
public final class CommittingCollectSink<T> implements Sink<T>, SupportsCommitter<String> {
  private static final Map<String, List<String>> COMMITTED = new ConcurrentHashMap<>();

  /** Ids of committed batches: Flink may commit a restored committable again after a failure. */
  private static final java.util.Set<String> COMMITTED_IDS = ConcurrentHashMap.newKeySet();

  private final String name;
  private final Encoder<T> encoder;

  /** Element to one line of text (no newlines). */
  public interface Encoder<T> extends java.io.Serializable {
    String encode(T element);
  }

  public CommittingCollectSink(String name, Encoder<T> encoder) {
    this.name = name;
    this.encoder = encoder;
    COMMITTED.put(name, new CopyOnWriteArrayList<>());
  }

  /** Lines committed so far under {@code name}. */
  public static List<String> committed(String name) {
    return List.copyOf(COMMITTED.getOrDefault(name, List.of()));
  }

  @Override
  public CommittingSinkWriter<T, String> createWriter(WriterInitContext context) {
    return new CommittingSinkWriter<>() {
      private final List<String> pending = new ArrayList<>();

      @Override
      public void write(T element, Context ctx) {
        pending.add(encoder.encode(element));
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public Collection<String> prepareCommit() {
        if (pending.isEmpty()) {
          return List.of();
        }
        // The first line is a unique batch id, so a committable committed twice counts once.
        String batch = java.util.UUID.randomUUID() + "\n" + String.join("\n", pending);
        pending.clear();
        return List.of(batch);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Committer<String> createCommitter(CommitterInitContext context) {
    String target = name;
    return new Committer<>() {
      @Override
      public void commit(Collection<CommitRequest<String>> requests) {
        for (CommitRequest<String> r : requests) {
          List<String> lines = List.of(r.getCommittable().split("\n"));
          if (COMMITTED_IDS.add(lines.get(0))) {
            COMMITTED.get(target).addAll(lines.subList(1, lines.size()));
          }
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public SimpleVersionedSerializer<String> getCommittableSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String deserialize(int version, byte[] bytes) throws IOException {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    };
  }
}
