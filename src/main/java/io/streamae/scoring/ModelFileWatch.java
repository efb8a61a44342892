package io.streamae.scoring;

import io.streamae.ingest.RawReading;
import io.streamae.model.io.ModelBundle;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The watched model location ({@code model.watch-interval}): a source that reads {@code model.path}
 * every interval and, when its bytes changed, emits the update message for it, the same message
 * {@code publish-model} sends, into the same path ({@code parse-model-updates}, then every {@code
 * score-windows} subtask verifies and installs it). For local runs and file deployments where a new
 * bundle is copied over the old one (best atomically: copy next to it, then rename).
 *
 * <p>A file that is not a readable bundle is announced with its checksum and the problem, and
 * becomes a {@code MODEL_REJECTED} dead letter once per distinct content. One subtask; the last
 * seen checksum is not checkpointed, so after a restart the current file is announced once more,
 * which the scoring operator ignores when that version is already in use. The source never ends: a
 * job with a watched model runs until it is cancelled.
 */
public final class ModelFileWatch {
  /** Name and uid of the watch source. */
  public static final String UID = "model-watch";

  private ModelFileWatch() {}

  public static DataStream<RawReading> stream(
      StreamExecutionEnvironment env, String modelPath, Duration interval) {
    DataGeneratorSource<RawReading> source =
        new DataGeneratorSource<>(
            new Check(modelPath),
            Long.MAX_VALUE,
            RateLimiterStrategy.perSecond(1000.0 / Math.max(1, interval.toMillis())),
            TypeInformation.of(RawReading.class));
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), UID)
        .uid(UID)
        .setParallelism(1)
        .filter(raw -> raw.payload() != null)
        .name(UID + "-changes")
        .uid(UID + "-changes")
        .setParallelism(1);
  }

  /** One look at the file: its update message when it changed since the last look, else none. */
  static final class Check implements GeneratorFunction<Long, RawReading> {
    private static final long serialVersionUID = 1L;
    private final String path;
    private transient String lastSha;

    Check(String path) {
      this.path = path;
    }

    @Override
    public RawReading map(Long tick) {
      String origin = "watch:" + path;
      byte[] bytes;
      try {
        bytes = ModelLoader.readBytes(path);
      } catch (Exception e) {
        // Missing for a moment (being replaced): look again next time.
        return new RawReading(null, origin, System.currentTimeMillis());
      }
      String sha = ModelBundle.sha256(bytes);
      if (sha.equals(lastSha)) {
        return new RawReading(null, origin, System.currentTimeMillis());
      }
      lastSha = sha;
      byte[] message;
      try {
        ModelBundle bundle = ModelBundle.read(new ByteArrayInputStream(bytes), path);
        message =
            new ModelUpdate(
                    bundle.metadata().modelId(), bundle.metadata().modelVersion(), path, sha)
                .toJson();
      } catch (Exception e) {
        message = ModelUpdate.problem(path, sha, e.getMessage()).getBytes(StandardCharsets.UTF_8);
      }
      return new RawReading(message, origin, System.currentTimeMillis());
    }
  }
}
