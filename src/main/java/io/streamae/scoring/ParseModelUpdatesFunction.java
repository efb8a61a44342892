package io.streamae.scoring;

import io.streamae.ingest.DeadLetter;
import io.streamae.ingest.RawReading;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * {@code parse-model-updates}: the raw messages of the model-updates topic (or of a watched {@code
 * model.path}) into {@link ModelUpdate}s for {@code score-windows}; a message that is not an update
 * becomes a dead letter (reason {@value ScoreWindowsWithUpdatesOperator#MODEL_REJECTED}, stage
 * {@value ScoreWindowsWithUpdatesOperator#STAGE}) with its bytes and coordinates.
 */
public class ParseModelUpdatesFunction extends ProcessFunction<RawReading, ModelUpdate> {
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("bad-model-updates", TypeInformation.of(DeadLetter.class));

  @Override
  public void processElement(RawReading raw, Context ctx, Collector<ModelUpdate> out) {
    try {
      out.collect(ModelUpdate.parse(raw.payload()));
    } catch (IllegalArgumentException e) {
      ctx.output(
          DEAD_LETTERS,
          new DeadLetter(
              raw.payload(),
              raw.source(),
              ScoreWindowsWithUpdatesOperator.STAGE,
              ScoreWindowsWithUpdatesOperator.MODEL_REJECTED,
              e.getMessage(),
              System.currentTimeMillis()));
    }
  }
}
