package io.streamae.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.testkit.MeteredEnvironment;
import io.streamae.testkit.PoisonMessages;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParseReadingsFunctionTest {

  /** Event time of the catalogue's readings, and the parser's clock. */
  private static final Instant T0 = Instant.ofEpochMilli(PoisonMessages.TS);

  /** Processing time of the operator: one second after the readings were taken. */
  private static final long T0_PLUS_1S = T0.plusSeconds(1).toEpochMilli();

  private static final String SOURCE = "kafka:readings/0@42";

  /** As the parser reads it, with the origin of its raw reading. */
  private static final SensorReading PUMP_7_AT_T0 =
      new SensorReading("pump-7", PoisonMessages.TS, new float[] {71.2f, 0.031f}, SOURCE);

  private OneInputStreamOperatorTestHarness<RawReading, SensorReading> harness;

  @BeforeEach
  void openHarness() throws Exception {
    harness = ProcessFunctionTestHarnesses.forProcessFunction(newFunction());
    harness.setProcessingTime(T0_PLUS_1S);
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  @Test
  void emitsAValidReadingOnTheMainOutputOnly() throws Exception {
    harness.processElement(raw(PoisonMessages.validPayload()), PoisonMessages.TS);

    assertThat(harness.extractOutputValues()).containsExactly(PUMP_7_AT_T0);
    assertThat(deadLetters()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(PoisonMessages.class)
  void sendsEveryPoisonMessageToTheDeadLetterOutput(PoisonMessages poison) throws Exception {
    harness.processElement(raw(poison.payload()), PoisonMessages.TS);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.payload()).isEqualTo(poison.payload());
              assertThat(letter.source()).isEqualTo(SOURCE);
              assertThat(letter.stage()).isEqualTo(ParseReadingsFunction.STAGE);
              assertThat(letter.reason()).isEqualTo(poison.expectedReason().name());
              assertThat(letter.detail()).isNotBlank();
              assertThat(letter.timestamp()).isEqualTo(T0_PLUS_1S);
            });
  }

  @Test
  void sendsAKafkaTombstoneToTheDeadLetterOutput() throws Exception {
    harness.processElement(raw(null), PoisonMessages.TS);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.payload()).isNull();
              assertThat(letter.reason()).isEqualTo(RejectReason.EMPTY_PAYLOAD.name());
            });
  }

  @Test
  void keepsGoodReadingsFlowingAroundBadOnes() throws Exception {
    harness.processElement(raw(PoisonMessages.validPayload()), PoisonMessages.TS);
    harness.processElement(raw(PoisonMessages.NAN_TOKEN.payload()), PoisonMessages.TS + 1);
    harness.processElement(raw(PoisonMessages.validPayload()), PoisonMessages.TS + 2);

    List<StreamRecord<? extends SensorReading>> records = harness.extractOutputStreamRecords();
    assertThat(records)
        .extracting(record -> (Object) record.getValue())
        .containsExactly(PUMP_7_AT_T0, PUMP_7_AT_T0);
    // Outputs keep their input's timestamp; event-time timestamps are assigned downstream.
    assertThat(records)
        .extracting(StreamRecord::getTimestamp)
        .containsExactly(PoisonMessages.TS, PoisonMessages.TS + 2);
    assertThat(deadLetters())
        .extracting(DeadLetter::reason)
        .containsExactly(RejectReason.NON_FINITE_VALUE.name());
  }

  @Test
  void countsParsedAndRejectedReadingsUnderAnomalyIngest() throws Exception {
    Map<String, Metric> metrics = new ConcurrentHashMap<>();
    try (MockEnvironment environment = MeteredEnvironment.of("parse-readings", metrics);
        OneInputStreamOperatorTestHarness<RawReading, SensorReading> metered =
            new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(newFunction()), environment)) {
      metered.open();

      metered.processElement(raw(PoisonMessages.validPayload()), PoisonMessages.TS);
      metered.processElement(raw(PoisonMessages.NAN_TOKEN.payload()), PoisonMessages.TS);
      metered.processElement(raw(PoisonMessages.NAN_STRING.payload()), PoisonMessages.TS);
      metered.processElement(raw(PoisonMessages.TRUNCATED.payload()), PoisonMessages.TS);

      assertThat(count(metrics, "readingsParsed")).isEqualTo(1);
      assertThat(count(metrics, "readingsRejected")).isEqualTo(3);
      assertThat(count(metrics, "rejectedNonFiniteValue")).isEqualTo(2);
      assertThat(count(metrics, "rejectedMalformedJson")).isEqualTo(1);
      assertThat(count(metrics, "rejectedEmptyPayload")).isZero();
      assertThat(metrics.keySet())
          .filteredOn(key -> key.contains(".anomaly.ingest.rejected"))
          .hasSize((int) countParseReasons());
    }
  }

  @Test
  void namesPerReasonCountersInCamelCase() {
    assertThat(ParseReadingsFunction.rejectedCounterName(RejectReason.MALFORMED_JSON))
        .isEqualTo("rejectedMalformedJson");
    assertThat(ParseReadingsFunction.rejectedCounterName(RejectReason.TOO_DEEP))
        .isEqualTo("rejectedTooDeep");
  }

  @Test
  void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
    ParseReadingsFunction copy = InstantiationUtil.clone(newFunction());
    try (OneInputStreamOperatorTestHarness<RawReading, SensorReading> copied =
        ProcessFunctionTestHarnesses.forProcessFunction(copy)) {
      copied.processElement(raw(PoisonMessages.validPayload()), PoisonMessages.TS);

      assertThat(copied.extractOutputValues()).containsExactly(PUMP_7_AT_T0);
    }
  }

  @Test
  void streamElementsAreSerializedAsPojosNotWithKryo() throws Exception {
    assertThat(TypeInformation.of(RawReading.class)).isInstanceOf(PojoTypeInfo.class);
    assertThat(TypeInformation.of(SensorReading.class)).isInstanceOf(PojoTypeInfo.class);
    assertThat(ParseReadingsFunction.DEAD_LETTERS.getTypeInfo()).isInstanceOf(PojoTypeInfo.class);

    DeadLetter letter =
        new DeadLetter(new byte[] {1, 2}, SOURCE, "parse", "TOO_DEEP", "too deep", T0_PLUS_1S);
    RawReading raw = raw(new byte[] {'{', '}'});
    assertThat(roundTrip(PUMP_7_AT_T0, SensorReading.class)).isEqualTo(PUMP_7_AT_T0);
    assertThat(roundTrip(raw, RawReading.class)).isEqualTo(raw);
    assertThat(roundTrip(letter, DeadLetter.class)).isEqualTo(letter);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static ParseReadingsFunction newFunction() {
    ReadingParser parser =
        ReadingParser.builder(PoisonMessages.FEATURES)
            .clock(Clock.fixed(T0, ZoneOffset.UTC))
            .build();
    return new ParseReadingsFunction(parser);
  }

  private static RawReading raw(byte[] payload) {
    return new RawReading(payload, SOURCE, PoisonMessages.TS);
  }

  private List<DeadLetter> deadLetters() {
    Queue<StreamRecord<DeadLetter>> side =
        harness.getSideOutput(ParseReadingsFunction.DEAD_LETTERS);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  private static long count(Map<String, Metric> metrics, String name) {
    String suffix = ".anomaly.ingest." + name;
    return metrics.entrySet().stream()
        .filter(entry -> entry.getKey().endsWith(suffix))
        .map(entry -> ((Counter) entry.getValue()).getCount())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no counter *" + suffix + " in " + metrics.keySet()));
  }

  private static long countParseReasons() {
    return Arrays.stream(RejectReason.values()).filter(RejectReason::isParseReason).count();
  }

  private static <T> T roundTrip(T value, Class<T> type) throws Exception {
    TypeSerializer<T> serializer =
        TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
    byte[] bytes = InstantiationUtil.serializeToByteArray(serializer, value);
    return InstantiationUtil.deserializeFromByteArray(serializer, bytes);
  }
}
