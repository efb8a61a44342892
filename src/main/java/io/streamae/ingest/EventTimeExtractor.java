package io.streamae.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.Serializable;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Finds a raw reading's event time without parsing it: the source's per-partition watermarks need
 * the time of every record before {@code parse-readings} runs.
 *
 * <p>Place in the pipeline: inside the Kafka source's timestamp assigner. Input: the raw payload
 * bytes, whatever they are. Output: the top-level {@code ts} when it is an integer that the parser
 * would accept as a time (not before 2000, at most {@code maxFutureSkew} ahead of the clock), else
 * {@link #NONE}. It streams over the top-level object only as far as {@code ts}, skipping nested
 * values unread, and never throws: a payload it cannot read gets {@link #NONE}, which moves no
 * watermark, and still reaches the parser and its dead-letter path. A payload whose {@code ts} is
 * fine but which the parser rejects for another reason moves the watermark as far as a good reading
 * with that time would.
 */
public final class EventTimeExtractor implements Serializable {
  private static final long serialVersionUID = 1L;

  /** No usable event time; {@link Long#MIN_VALUE}, which no watermark generator advances on. */
  public static final long NONE = Long.MIN_VALUE;

  private final long maxFutureSkewMillis;
  private final int maxPayloadBytes;
  private final InstantSource clock;
  private transient volatile JsonFactory factory;

  public EventTimeExtractor(Duration maxFutureSkew) {
    this(maxFutureSkew, ReadingParser.DEFAULT_MAX_PAYLOAD_BYTES, InstantSource.system());
  }

  EventTimeExtractor(Duration maxFutureSkew, int maxPayloadBytes, InstantSource clock) {
    this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    this.maxPayloadBytes = maxPayloadBytes;
    this.clock = clock;
  }

  /** The payload's {@code ts} in epoch ms, or {@link #NONE}. */
  public long extract(byte[] payload) {
    if (payload == null || payload.length == 0 || payload.length > maxPayloadBytes) {
      return NONE;
    }
    try (JsonParser parser = factory().createParser(payload)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return NONE;
      }
      for (JsonToken token = parser.nextToken();
          token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        boolean isTs = ReadingParser.FIELD_TIMESTAMP.equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (isTs) {
          return value == JsonToken.VALUE_NUMBER_INT
                  && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
              ? inRange(parser.getLongValue())
              : NONE;
        }
        parser.skipChildren();
      }
      return NONE;
    } catch (Exception e) {
      return NONE; // the parser names the problem in the dead letter
    }
  }

  private long inRange(long ts) {
    long now = clock.millis();
    long latest =
        now > Long.MAX_VALUE - maxFutureSkewMillis ? Long.MAX_VALUE : now + maxFutureSkewMillis;
    return ts >= ReadingParser.MIN_TIMESTAMP_MILLIS && ts <= latest ? ts : NONE;
  }

  private JsonFactory factory() {
    JsonFactory f = factory;
    if (f == null) {
      f = new JsonFactory();
      factory = f;
    }
    return f;
  }
}
