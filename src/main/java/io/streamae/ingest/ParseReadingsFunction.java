package io.streamae.ingest;

import io.streamae.ingest.ReadingParser.ParseResult;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The {@code parse-readings} operator: turns raw sensor messages into typed readings.
 *
 * <p>Place in the pipeline: right after the source. Input: {@link RawReading} (bytes plus origin).
 * Main output: {@link SensorReading} carrying its raw reading's {@code source}, whose {@code
 * timestamp} is its event time (a {@code ProcessFunction} cannot set record timestamps itself, so
 * each output keeps its input's timestamp: the one the Kafka source extracted, or none for sources
 * whose readings get event time after parsing). Side output {@link #DEAD_LETTERS}: one {@link
 * DeadLetter} per rejected message, with the exact raw bytes, stage {@value #STAGE}, the {@link
 * RejectReason} name, a detail message and the processing time. Bad input never throws.
 *
 * <p>Metrics, under {@code <operator scope>.anomaly.ingest}: counters {@code readingsParsed},
 * {@code readingsRejected}, and one counter per parse reason named {@code rejected} plus the
 * capitalised {@link RejectReason#metricName()}, e.g. {@code rejectedMalformedJson} (see {@link
 * #rejectedCounterName(RejectReason)}). All are registered in {@code open()}, so dashboards show
 * zeros rather than gaps.
 */
public class ParseReadingsFunction extends ProcessFunction<RawReading, SensorReading> {

  private static final long serialVersionUID = 1L;

  /** Side output for messages that could not be parsed. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  /** The {@link DeadLetter#stage()} of dead letters from this function. */
  public static final String STAGE = "parse";

  /** Metric group below the operator scope. */
  public static final String METRIC_GROUP = "anomaly";

  /** Metric subgroup below {@link #METRIC_GROUP}. */
  public static final String METRIC_SUBGROUP = "ingest";

  /** Counter of readings emitted on the main output. */
  public static final String READINGS_PARSED = "readingsParsed";

  /** Counter of messages sent to {@link #DEAD_LETTERS}, whatever the reason. */
  public static final String READINGS_REJECTED = "readingsRejected";

  private final ReadingParser parser;
  private final boolean recordTime;

  private transient Counter readingsParsed;
  private transient Counter readingsRejected;
  private transient Map<RejectReason, Counter> rejectedByReason;

  /**
   * @param parser the configured parser (feature names, limits, clock)
   */
  public ParseReadingsFunction(ReadingParser parser) {
    this(parser, false);
  }

  /**
   * @param recordTime take event time from {@link RawReading#ingestTimestamp()} (the Kafka record
   *     timestamp) instead of the payload's {@code ts}
   */
  public ParseReadingsFunction(ReadingParser parser, boolean recordTime) {
    this.parser = Objects.requireNonNull(parser, "parser");
    this.recordTime = recordTime;
  }

  /** The per-reason counter name, e.g. {@code rejectedMalformedJson}. */
  public static String rejectedCounterName(RejectReason reason) {
    String metricName = reason.metricName();
    return "rejected" + Character.toUpperCase(metricName.charAt(0)) + metricName.substring(1);
  }

  @Override
  public void open(OpenContext openContext) {
    MetricGroup ingest =
        getRuntimeContext().getMetricGroup().addGroup(METRIC_GROUP).addGroup(METRIC_SUBGROUP);
    readingsParsed = ingest.counter(READINGS_PARSED);
    readingsRejected = ingest.counter(READINGS_REJECTED);
    rejectedByReason = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      if (reason.isParseReason()) {
        rejectedByReason.put(reason, ingest.counter(rejectedCounterName(reason)));
      }
    }
  }

  @Override
  public void processElement(RawReading raw, Context ctx, Collector<SensorReading> out) {
    ParseResult result =
        recordTime
            ? parser.parse(raw.payload(), raw.ingestTimestamp())
            : parser.parse(raw.payload());
    if (result instanceof ParseResult.Accepted accepted) {
      readingsParsed.inc();
      out.collect(accepted.reading().withSource(raw.source()));
    } else if (result instanceof ParseResult.Rejected rejected) {
      readingsRejected.inc();
      rejectedByReason.get(rejected.reason()).inc();
      long now = ctx.timerService().currentProcessingTime();
      ctx.output(
          DEAD_LETTERS, DeadLetter.of(raw, STAGE, rejected.reason(), rejected.detail(), now));
    }
  }
}
