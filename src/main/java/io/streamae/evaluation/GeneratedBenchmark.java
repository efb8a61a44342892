package io.streamae.evaluation;

import io.streamae.source.FaultScenarios;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the generated multivariate benchmark ({@link FaultScenarios}) as multi-column CSVs that
 * {@link NabEvaluation} reads with a label column: {@code dir/generator/rig-NN.csv}.
 */
public final class GeneratedBenchmark {
  /** The per-row 0/1 label column of the generated files. */
  public static final String LABEL_COLUMN = "label";

  private GeneratedBenchmark() {}

  /** Writes one CSV per machine below {@code dir/generator}; returns {@code dir}. */
  public static Path write(FaultScenarios scenarios, Path dir) throws IOException {
    Path category = dir.resolve("generator");
    Files.createDirectories(category);
    for (int m = 0; m < scenarios.machines(); m++) {
      Files.writeString(
          category.resolve(FaultScenarios.machineId(m) + ".csv"),
          scenarios.csv(m),
          StandardCharsets.UTF_8);
    }
    return dir;
  }
}
