package io.streamae.dashboard;

import io.streamae.sink.AnomalyRecord;
import io.streamae.sink.RecordJson;

/**
 * Result records of three-channel machines as the job writes them ({@link RecordJson}), one a
 * minute from {@link #T0}: normal windows, warming-up windows, or alarms whose error is mostly
 * vibration.
 */
final class ResultLines {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01 00:00 UTC
  static final long MINUTE = 60_000L;
  static final String[] FEATURES = {"temperature", "vibration", "current"};

  private ResultLines() {}

  enum Kind {
    NORMAL,
    WARMING_UP,
    ALARM
  }

  static AnomalyRecord record(String sensor, int step, Kind kind) {
    long end = T0 + step * MINUTE;
    double wave = Math.sin(step / 9.0);
    float vibration =
        kind == Kind.ALARM ? 0.09f + 0.01f * (step % 3) : 0.03f + 0.002f * (float) wave;
    float[] values = {
      60f + 2f * (float) wave, vibration, 10f + 0.3f * (float) Math.cos(step / 7.0)
    };
    float[] predictions = {
      60f + 2f * (float) Math.sin((step + 1) / 9.0),
      0.03f,
      10f + 0.3f * (float) Math.cos((step + 1) / 7.0)
    };
    float[] errors =
        kind == Kind.ALARM ? new float[] {0.12f, 2.4f, 0.2f} : new float[] {0.05f, 0.04f, 0.03f};
    float total = errors[0] + errors[1] + errors[2];
    float[] shares = {errors[0] / total, errors[1] / total, errors[2] / total};
    double score =
        switch (kind) {
          case NORMAL -> 0.05 + 0.04 * Math.abs(wave);
          case WARMING_UP -> 0.0;
          case ALARM -> 0.62 + 0.05 * (step % 4);
        };
    return new AnomalyRecord(
        sensor,
        end - 31 * MINUTE,
        end,
        kind == Kind.ALARM ? 0.92 : 0.04,
        FEATURES,
        errors,
        shares,
        predictions,
        new long[] {end + MINUTE},
        kind == Kind.ALARM ? 0.51 : 0.02,
        score,
        0.47,
        kind == Kind.ALARM,
        kind == Kind.WARMING_UP,
        0,
        "demo-generator:1",
        AnomalyRecord.OK,
        false,
        values);
  }

  static String line(String sensor, int step, Kind kind) {
    return RecordJson.result(record(sensor, step, kind));
  }
}
