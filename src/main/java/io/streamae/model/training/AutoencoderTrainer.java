package io.streamae.model.training;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.ModelKind;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.ParameterSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains an autoencoder with mini-batch Adam on MSE per head.
 *
 * <p>The newest {@code validationFraction} of the windows is held out (time order, so validation
 * measures how the model does on later data); the rest is shuffled every epoch with the seeded
 * generator, which also draws the denoising noise, so a seed makes a run repeatable. With early
 * stopping the parameters of the best validation epoch are kept.
 */
public final class AutoencoderTrainer {
  private AutoencoderTrainer() {}

  public static TrainingResult train(
      AutoencoderSpec spec, TrainingData data, TrainingOptions options) {
    return train(spec, data, options, null);
  }

  /**
   * Fine-tuning: like {@link #train(AutoencoderSpec, TrainingData, TrainingOptions)}, but training
   * starts from {@code initial} (the parameters of an earlier model of the same spec) instead of
   * freshly initialised weights; the optimiser's moments start afresh.
   *
   * @param initial parameters to start from, or null for a fresh initialisation
   */
  public static TrainingResult train(
      AutoencoderSpec spec, TrainingData data, TrainingOptions options, ParameterSet initial) {
    if (data.timesteps() != spec.timesteps() || data.features() != spec.features()) {
      throw new IllegalArgumentException(
          String.format(
              "training windows are [%s, %s], the model expects [%s, %s]",
              data.timesteps(), data.features(), spec.timesteps(), spec.features()));
    }
    if (data.horizon() != spec.predictedSteps()) {
      throw new IllegalArgumentException(
          String.format(
              "training data predicts %s steps, the model %s",
              data.horizon(), spec.predictedSteps()));
    }
    Nd4j.getRandom().setSeed(options.seed());
    TrainableNetwork network =
        spec.kind() == ModelKind.LSTM
            ? new LstmGraphNetwork(spec, options)
            : new DenseSameDiffNetwork(spec, options);
    if (initial != null) {
      network.restore(initial);
    }

    int validation = (int) Math.floor(data.count() * options.validationFraction());
    if (validation >= data.count()) {
      validation = data.count() - 1;
    }
    int training = data.count() - validation;
    int window = spec.timesteps() * spec.features();
    int future = data.horizon() * spec.features();
    int batchSize = Math.min(options.batchSize(), training);

    float[] inputs = new float[batchSize * window];
    float[] targets = new float[batchSize * window];
    float[] futures = new float[batchSize * future];
    int[] order = new int[training];
    for (int i = 0; i < training; i++) {
      order[i] = i;
    }
    Random random = new Random(options.seed());
    List<EpochStats> history = new ArrayList<>();
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    ParameterSet best = null;
    boolean earlyStopping = options.earlyStoppingPatience() > 0 && validation > 0;
    long started = System.nanoTime();
    long windowsSeen = 0;

    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      shuffle(order, random);
      double lossSum = 0;
      for (int start = 0; start < training; start += batchSize) {
        int n = Math.min(batchSize, training - start);
        for (int s = 0; s < n; s++) {
          int idx = order[start + s];
          System.arraycopy(data.windows(), idx * window, targets, s * window, window);
          System.arraycopy(data.futures(), idx * future, futures, s * future, future);
        }
        System.arraycopy(targets, 0, inputs, 0, n * window);
        corrupt(inputs, n * window, options, random);
        lossSum += network.fit(inputs, targets, futures, n) * n;
        windowsSeen += n;
        options
            .listener()
            .onStep(epoch, options.epochs(), start + n, training, lossSum / (start + n));
      }
      double trainLoss = lossSum / training;
      double validationLoss =
          validation > 0 ? validationLoss(network, data, training, batchSize) : Double.NaN;

      double seconds = (System.nanoTime() - started) / 1e9;
      double perEpoch = seconds / epoch;
      EpochStats stats =
          new EpochStats(
              epoch,
              options.epochs(),
              trainLoss,
              validationLoss,
              windowsSeen / Math.max(seconds, 1e-9),
              Duration.ofMillis((long) (perEpoch * (options.epochs() - epoch) * 1000)));
      history.add(stats);
      options.listener().onEpoch(stats);

      if (earlyStopping) {
        if (validationLoss < bestLoss) {
          bestLoss = validationLoss;
          bestEpoch = epoch;
          best = network.parameters();
        } else if (epoch - bestEpoch >= options.earlyStoppingPatience()) {
          break;
        }
      }
    }
    if (best != null) {
      network.restore(best);
    } else {
      bestEpoch = history.size();
    }
    ParameterSet parameters = network.parameters();
    return new TrainingResult(
        AutoencoderNetwork.of(spec, parameters),
        List.copyOf(history),
        bestEpoch,
        training,
        validation);
  }

  private static double validationLoss(
      TrainableNetwork network, TrainingData data, int first, int batchSize) {
    int window = data.timesteps() * data.features();
    int future = data.horizon() * data.features();
    double sum = 0;
    int count = data.count() - first;
    for (int start = first; start < data.count(); start += batchSize) {
      int n = Math.min(batchSize, data.count() - start);
      float[] in = new float[n * window];
      float[] fut = new float[n * future];
      System.arraycopy(data.windows(), start * window, in, 0, n * window);
      System.arraycopy(data.futures(), start * future, fut, 0, n * future);
      sum += network.loss(in, fut, n) * n;
    }
    return sum / count;
  }

  /** Denoising: noise and masking touch the inputs only, never the targets. */
  private static void corrupt(float[] inputs, int length, TrainingOptions options, Random random) {
    if (options.inputNoise() > 0) {
      for (int i = 0; i < length; i++) {
        inputs[i] += (float) (random.nextGaussian() * options.inputNoise());
      }
    }
    if (options.maskProbability() > 0) {
      for (int i = 0; i < length; i++) {
        if (random.nextDouble() < options.maskProbability()) {
          inputs[i] = 0f;
        }
      }
    }
  }

  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }
}
