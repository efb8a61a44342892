package io.streamae.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.ingest.DeadLetter;
import io.streamae.ingest.RawReading;
import io.streamae.job.JobConfig;
import io.streamae.job.ReadingWatermarks;
import io.streamae.job.ScoringJobMain;
import io.streamae.sink.AnomalyRecord;
import io.streamae.testkit.PoisonMessages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The Kafka edge without a broker: the deserializer never throws, the serializers write the
 * documented records, the {@code kafka.*} options fail start-up naming the key, builders check
 * themselves, and secrets never reach a log line.
 */
class KafkaPipelinesTest {
  private static final String BOOTSTRAP = "localhost:9092";

  // --- deserializer ----------------------------------------------------------------------------

  @Test
  void wrapsEveryRecordWithItsOrigin() throws Exception {
    List<RawReading> out = deserialize(record("readings", 3, 1042, 1_700L, new byte[] {1, 2}));

    assertThat(out)
        .containsExactly(new RawReading(new byte[] {1, 2}, "kafka:readings/3@1042", 1_700L));
  }

  @Test
  void turnsATombstoneIntoAReadingWithoutPayload() throws Exception {
    List<RawReading> out = deserialize(record("readings", 0, 7, 5L, null));

    assertThat(out)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.payload()).isNull();
              assertThat(r.source()).isEqualTo("kafka:readings/0@7");
            });
  }

  @Test
  void passesEveryPoisonMessageOnUntouched() throws Exception {
    for (PoisonMessages poison : PoisonMessages.values()) {
      List<RawReading> out = deserialize(record("readings", 1, 1, 1L, poison.payload()));
      assertThat(out)
          .singleElement()
          .satisfies(r -> assertThat(r.payload()).as(poison.name()).isEqualTo(poison.payload()));
    }
  }

  // --- serializers -----------------------------------------------------------------------------

  @Test
  void writesAResultKeyedBySensorAtItsWindowEnd() throws Exception {
    AnomalyRecord result =
        new AnomalyRecord(
            "pump-7",
            1_000L,
            8_000L,
            0.25,
            new String[] {"temp", "vibration"},
            new float[] {0.3f, 0.2f},
            new float[] {0.6f, 0.4f},
            new float[] {71f, 0.03f},
            new long[] {9_000L},
            Double.NaN,
            0.5,
            0.25,
            true,
            false,
            0,
            "pumps:1",
            AnomalyRecord.OK);

    ProducerRecord<byte[], byte[]> record =
        new AnomalyRecordSerializer("results").serialize(result, null, 123L);

    assertThat(record.topic()).isEqualTo("results");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("pump-7");
    assertThat(record.timestamp()).isEqualTo(8_000L);
    JsonNode json = new ObjectMapper().readTree(record.value());
    assertThat(json.get("sensorId").asText()).isEqualTo("pump-7");
    assertThat(json.get("windowEnd").asLong()).isEqualTo(8_000L);
    assertThat(json.get("predictionError").isNull()).isTrue();
  }

  @Test
  void writesADeadLetterAsTheRawBytesWithHeaders() {
    byte[] payload = PoisonMessages.INVALID_UTF8.payload();
    DeadLetter letter =
        new DeadLetter(payload, "kafka:readings/2@9", "parse", "MALFORMED_JSON", "bad byte", 77L);

    ProducerRecord<byte[], byte[]> record =
        new DeadLetterSerializer("dead-letters").serialize(letter, null, null);

    assertThat(record.topic()).isEqualTo("dead-letters");
    assertThat(record.key()).isNull();
    assertThat(record.value()).isEqualTo(payload);
    assertThat(record.timestamp()).isEqualTo(77L);
    assertThat(headers(record))
        .containsExactly(
            Map.entry("reason", "MALFORMED_JSON"),
            Map.entry("detail", "bad byte"),
            Map.entry("stage", "parse"),
            Map.entry("source", "kafka:readings/2@9"));
  }

  @Test
  void forwardsATombstoneAsATombstone() {
    DeadLetter letter = new DeadLetter(null, "kafka:r/0@1", "parse", "EMPTY_PAYLOAD", null, -1L);

    ProducerRecord<byte[], byte[]> record =
        new DeadLetterSerializer("dead-letters").serialize(letter, null, null);

    assertThat(record.value()).isNull();
    assertThat(record.timestamp()).as("negative timestamps are left to the producer").isNull();
    assertThat(headers(record)).doesNotContainKey("detail");
  }

  // --- options ---------------------------------------------------------------------------------

  @Test
  void readsTheKafkaOptions() {
    KafkaSettings kafka =
        config(
                "kafka.input-topic", "in",
                "kafka.delivery-guarantee", "Exactly-Once",
                "kafka.transactional-id-prefix", "scoring-1",
                "kafka.transaction-timeout", "2 min",
                "kafka.properties.security.protocol", "SASL_SSL")
            .kafka();

    assertThat(kafka.bootstrapServers()).isEqualTo(BOOTSTRAP);
    assertThat(kafka.inputTopic()).isEqualTo("in");
    assertThat(kafka.outputTopic()).isEqualTo("anomaly-results");
    assertThat(kafka.exactlyOnce()).isTrue();
    assertThat(kafka.transactionTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(kafka.properties()).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
  }

  @Test
  void stopsStartUpNamingTheKey() {
    assertFails(
        "kafka.bootstrap-servers ( ) must be set when source.kind is kafka",
        "kafka.bootstrap-servers",
        " ");
    assertFails(
        "kafka.starting-offsets (newest) must be one of [committed, earliest, latest]",
        "kafka.starting-offsets",
        "newest");
    assertFails(
        "kafka.delivery-guarantee (at-most-once)", "kafka.delivery-guarantee", "at-most-once");
    assertFails(
        "kafka.transactional-id-prefix (null) must be set",
        "kafka.delivery-guarantee",
        "exactly-once");
    assertFails(
        "kafka.transaction-timeout (PT16M) must not exceed PT15M",
        "kafka.transaction-timeout",
        "16 min");
    assertFails(
        "kafka.output-topic (readings) must differ from kafka.input-topic",
        "kafka.input-topic",
        "readings",
        "kafka.output-topic",
        "readings");
    assertFails("kafka.event-time (ingest)", "kafka.event-time", "ingest");
    assertFails(
        "kafka.transaction-timeout (PT1M) must exceed execution.checkpointing.interval",
        "kafka.delivery-guarantee",
        "exactly-once",
        "kafka.transactional-id-prefix",
        "p",
        "kafka.transaction-timeout",
        "1 min",
        "execution.checkpointing.interval",
        "2 min");
  }

  @Test
  void requiresBootstrapServersOnlyForTheKafkaSource() {
    Configuration local = Configuration.fromMap(Map.of("source.kind", "generator"));

    assertThat(JobConfig.from(local).kafka().bootstrapServers()).isNull();
    assertThatThrownBy(() -> KafkaPipelines.source(JobConfig.from(local).kafka()).build())
        .hasMessageContaining("kafka.bootstrap-servers must be set for the Kafka source");
  }

  @Test
  void buildsABoundedSourceForBackfills() {
    KafkaSource<RawReading> source =
        KafkaPipelines.source(config("kafka.stopping-offsets", "latest").kafka()).build();

    assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    assertThat(KafkaPipelines.source(config().kafka()).build().getBoundedness())
        .isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
  }

  @Test
  void buildsExactlyOnceSinks() {
    JobConfig config =
        config("kafka.delivery-guarantee", "exactly-once", "kafka.transactional-id-prefix", "p");

    assertThat(KafkaPipelines.results(config.kafka()).build()).isNotNull();
    assertThat(KafkaPipelines.deadLetters(config.kafka()).property("linger.ms", "5").build())
        .isNotNull();
  }

  @Test
  void resultProducerCompressesAndBatchesUnlessToldOtherwise() {
    assertThat(KafkaPipelines.results(config().kafka()).producerProperties())
        .containsEntry("compression.type", "lz4")
        .containsEntry("batch.size", "131072");
    assertThat(
            KafkaPipelines.results(config("kafka.properties.compression.type", "zstd").kafka())
                .property("batch.size", "16384")
                .producerProperties())
        .containsEntry("compression.type", "zstd")
        .containsEntry("batch.size", "16384");
    assertThat(KafkaPipelines.deadLetters(config().kafka()).producerProperties())
        .containsEntry(
            "max.request.size", Integer.toString(KafkaPipelines.DEAD_LETTER_MAX_REQUEST_BYTES))
        .doesNotContainKey("compression.type");
  }

  @Test
  void masksSecretsInEverythingThatMayBeLogged() {
    JobConfig config =
        config(
            "kafka.properties.sasl.jaas.config", "PlainLoginModule required password=\"hunter2\";",
            "kafka.properties.ssl.truststore.password", "hunter2",
            "kafka.properties.sasl.oauthbearer.token.endpoint.url", "https://idp/token",
            "kafka.properties.security.protocol", "SASL_SSL");

    assertThat(config.kafka().toString()).doesNotContain("hunter2").contains("SASL_SSL");
    assertThat(config.toString()).doesNotContain("hunter2");
    assertThat(KafkaSettings.redacted(config.kafka().properties()))
        .containsEntry("sasl.jaas.config", KafkaSettings.MASK)
        .containsEntry("ssl.truststore.password", KafkaSettings.MASK)
        .containsEntry("sasl.oauthbearer.token.endpoint.url", KafkaSettings.MASK)
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void theClusterJobReadsKafkaOnly() throws Exception {
    assertThatThrownBy(() -> ScoringJobMain.configuration("--source", "generator"))
        .hasMessageContaining("source.kind (generator) must be kafka");
    assertThat(
            ScoringJobMain.configuration("--kafka.bootstrap-servers", BOOTSTRAP)
                .getString("source.kind", null))
        .isEqualTo("kafka");
  }

  @Test
  void recordEventTimeBuildsTheJobWithRecordTimestamps() {
    JobConfig config = config("kafka.event-time", "record");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

    assertThat(config.kafka().recordTime()).isTrue();
    ScoringJobMain.define(
        env, config, new io.streamae.tensor.TensorLayout(8, java.util.List.of("temp", "current")));
    assertThat(env.getStreamGraph().getStreamNodes())
        .extracting(n -> n.getOperatorName())
        .contains(io.streamae.job.AnomalyDetectionJob.PARSE);
    assertThat(ReadingWatermarks.of(config)).isNotNull();
  }

  @Test
  void theSourceStampsEachRecordWithItsPayloadTimeAndKeepsWatermarksPerPartition() {
    JobConfig config = config();
    var assigner = ReadingWatermarks.of(config).createTimestampAssigner(null);
    long ts = System.currentTimeMillis() - 60_000;
    byte[] good =
        ("{\"sensorId\":\"pump-7\",\"ts\":" + ts + ",\"values\":[1,2]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(assigner.extractTimestamp(new RawReading(good, "kafka:r/0@1", 5L), 5L))
        .isEqualTo(ts);
    assertThat(
            assigner.extractTimestamp(
                new RawReading(
                    io.streamae.testkit.PoisonMessages.NOT_JSON.payload(), "kafka:r/0@2", 5L),
                5L))
        .as("poison moves no watermark; the parser dead-letters it")
        .isEqualTo(io.streamae.ingest.EventTimeExtractor.NONE);
    var record =
        ReadingWatermarks.of(config("kafka.event-time", "record")).createTimestampAssigner(null);
    assertThat(record.extractTimestamp(new RawReading(good, "kafka:r/0@1", 5L), 5L)).isEqualTo(5L);

    assertThat(ReadingWatermarks.of(config).getAlignmentParameters().isEnabled()).isFalse();
    var aligned =
        ReadingWatermarks.of(config("window.watermark-alignment", "2 min"))
            .getAlignmentParameters();
    assertThat(aligned.isEnabled()).isTrue();
    assertThat(aligned.getMaxAllowedWatermarkDrift()).isEqualTo(120_000L);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ScoringJobMain.define(
        env, config, new io.streamae.tensor.TensorLayout(8, java.util.List.of("temp", "current")));
    assertThat(env.getStreamGraph().getStreamNodes())
        .extracting(n -> n.getOperatorName())
        .as("no second timestamp assigner after parsing")
        .doesNotContain(io.streamae.job.AnomalyDetectionJob.TIMESTAMPS);
  }

  @Test
  void refusesExactlyOnceWithoutCheckpointing() throws Exception {
    Configuration conf =
        ScoringJobMain.configuration(
            "--kafka.bootstrap-servers", BOOTSTRAP,
            "--kafka.delivery-guarantee", "exactly-once",
            "--kafka.transactional-id-prefix", "p");

    assertThatThrownBy(() -> ScoringJobMain.environment(conf, JobConfig.from(conf)))
        .hasMessageContaining("set execution.checkpointing.interval");
  }

  @Test
  void refusesBrokersThatDoNotAnswerNamingThemTheTopicAndTheTimeoutAsWritten() throws Exception {
    String silent;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      silent = "127.0.0.1:" + free.getLocalPort(); // closed again: nothing listens there
    }
    List<String> args =
        List.of(
            "--kafka.bootstrap-servers", silent,
            "--kafka.input-topic", "plant-readings",
            "--kafka.check-timeout", "2 s");
    JobConfig config = JobConfig.from(ScoringJobMain.configuration(args.toArray(String[]::new)));

    assertThatThrownBy(() -> KafkaPreflight.check(config.kafka()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Kafka at "
                + silent
                + " (kafka.bootstrap-servers) did not answer within 2 s (kafka.check-timeout),"
                + " so input topic plant-readings cannot be read");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static JobConfig config(String... keyValues) {
    List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers", BOOTSTRAP));
    for (int i = 0; i < keyValues.length; i += 2) {
      args.add("--" + keyValues[i]);
      args.add(keyValues[i + 1]);
    }
    try {
      return JobConfig.from(ScoringJobMain.configuration(args.toArray(String[]::new)));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertFails(String message, String... keyValues) {
    assertThatThrownBy(() -> config(keyValues))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  private static ConsumerRecord<byte[], byte[]> record(
      String topic, int partition, long offset, long timestamp, byte[] value) {
    return new ConsumerRecord<>(
        topic,
        partition,
        offset,
        timestamp,
        TimestampType.CREATE_TIME,
        0,
        0,
        null,
        value,
        new RecordHeaders(),
        Optional.empty());
  }

  private static List<RawReading> deserialize(ConsumerRecord<byte[], byte[]> record)
      throws Exception {
    List<RawReading> out = new ArrayList<>();
    new RawReadingDeserializer()
        .deserialize(
            record,
            new Collector<>() {
              @Override
              public void collect(RawReading reading) {
                out.add(reading);
              }

              @Override
              public void close() {}
            });
    return out;
  }

  private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    record
        .headers()
        .forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
    return headers;
  }
}
