package io.streamae.cli;

import io.streamae.model.definition.CellActivation;
import io.streamae.model.training.ReferenceExamples;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reproduces the three LSTM autoencoders of the Keras reference example. */
@Command(
    name = "examples",
    mixinStandardHelpOptions = true,
    description = {
      "Reproduces the Keras reference example's three models.",
      "",
      "Trains the reconstruction, prediction and composite models on [0.1 .. 0.9] (LSTM(100),"
          + " 300 epochs, Adam, MSE) and prints their outputs as Keras does.",
      ""
    })
final class ExamplesCommand implements Callable<Integer> {
  @Option(
      names = "--activation",
      defaultValue = "relu",
      description = "cell activation: relu (as the example) or tanh (default ${DEFAULT-VALUE})")
  String activation;

  @Option(
      names = "--epochs",
      defaultValue = "300",
      description = "training epochs (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    CellActivation act = CellActivation.parse(activation);
    System.out.printf(
        Locale.ROOT, "input:       %s%n", ReferenceExamples.numpy(ReferenceExamples.SEQUENCE));
    double total = 0;
    for (var mode : io.streamae.model.definition.ModelMode.values()) {
      ReferenceExamples.Result r = ReferenceExamples.run(mode, act, seed, epochs);
      total += r.seconds();
      System.out.printf(
          Locale.ROOT,
          "%n%s (LSTM(%d, %s), %d epochs, %.1f s)%n",
          mode.name().toLowerCase(Locale.ROOT),
          ReferenceExamples.UNITS,
          activation,
          epochs,
          r.seconds());
      if (r.reconstruction().length > 0) {
        System.out.printf(
            Locale.ROOT,
            "reconstruction: %s  max error %.4f%n",
            ReferenceExamples.numpy(r.reconstruction()),
            maxError(r.reconstruction(), ReferenceExamples.SEQUENCE));
      }
      if (r.prediction().length > 0) {
        System.out.printf(
            Locale.ROOT,
            "prediction:     %s  max error %.4f%n",
            ReferenceExamples.numpy(r.prediction()),
            maxError(r.prediction(), ReferenceExamples.shifted()));
      }
    }
    System.out.printf(Locale.ROOT, "%ntotal training time %.1f s%n", total);
    return 0;
  }

  private static double maxError(float[] actual, float[] expected) {
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
    }
    return max;
  }
}
