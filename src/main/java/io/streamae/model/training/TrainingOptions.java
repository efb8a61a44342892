package io.streamae.model.training;

import io.streamae.model.training.AutoencoderGraphFactory.Optimizer;

/**
 * How to train: optimiser, batches, epochs, validation, early stopping and denoising.
 *
 * <pre>{@code
 * TrainingOptions options = TrainingOptions.builder()
 *     .epochs(50).batchSize(64).seed(42)
 *     .validationFraction(0.1).earlyStoppingPatience(5)
 *     .inputNoise(0.05)
 *     .build();
 * }</pre>
 *
 * @param headWeights loss weights of the reconstruction and prediction heads
 * @param inputNoise standard deviation of Gaussian noise added to inputs in training only
 * @param maskProbability probability of zeroing each input value in training only
 * @param earlyStoppingPatience epochs without validation improvement before stopping; 0 = off
 */
public record TrainingOptions(
    Optimizer optimizer,
    int epochs,
    int batchSize,
    long seed,
    double validationFraction,
    int earlyStoppingPatience,
    double reconstructionWeight,
    double predictionWeight,
    double inputNoise,
    double maskProbability,
    TrainingListener listener) {

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with Keras-like defaults; {@link #build()} checks every value. */
  public static final class Builder {
    private Optimizer optimizer = Optimizer.kerasAdam();
    private int epochs = 30;
    private int batchSize = 64;
    private long seed = 42;
    private double validationFraction = 0.1;
    private int earlyStoppingPatience = 0;
    private double reconstructionWeight = 1.0;
    private double predictionWeight = 1.0;
    private double inputNoise = 0.0;
    private double maskProbability = 0.0;
    private TrainingListener listener = TrainingListener.NONE;

    public Builder optimizer(Optimizer value) {
      this.optimizer = value;
      return this;
    }

    public Builder learningRate(double value) {
      this.optimizer =
          new Optimizer(value, optimizer.beta1(), optimizer.beta2(), optimizer.epsilon());
      return this;
    }

    public Builder epochs(int value) {
      this.epochs = value;
      return this;
    }

    public Builder batchSize(int value) {
      this.batchSize = value;
      return this;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public Builder validationFraction(double value) {
      this.validationFraction = value;
      return this;
    }

    public Builder earlyStoppingPatience(int value) {
      this.earlyStoppingPatience = value;
      return this;
    }

    public Builder headWeights(double reconstruction, double prediction) {
      this.reconstructionWeight = reconstruction;
      this.predictionWeight = prediction;
      return this;
    }

    public Builder inputNoise(double stddev) {
      this.inputNoise = stddev;
      return this;
    }

    public Builder maskProbability(double value) {
      this.maskProbability = value;
      return this;
    }

    public Builder listener(TrainingListener value) {
      this.listener = value;
      return this;
    }

    public TrainingOptions build() {
      check(epochs >= 1, "epochs must be >= 1, was %s", epochs);
      check(batchSize >= 1, "batch size must be >= 1, was %s", batchSize);
      check(
          validationFraction >= 0 && validationFraction < 1,
          "validation fraction must be in [0, 1), was %s",
          validationFraction);
      check(
          earlyStoppingPatience >= 0,
          "early stopping patience must be >= 0, was %s",
          earlyStoppingPatience);
      check(
          reconstructionWeight >= 0
              && predictionWeight >= 0
              && reconstructionWeight + predictionWeight > 0,
          "head weights must be >= 0 and not both 0, were %s and %s",
          reconstructionWeight,
          predictionWeight);
      check(inputNoise >= 0, "input noise must be >= 0, was %s", inputNoise);
      check(
          maskProbability >= 0 && maskProbability < 1,
          "mask probability must be in [0, 1), was %s",
          maskProbability);
      check(
          optimizer.learningRate() > 0,
          "learning rate must be > 0, was %s",
          optimizer.learningRate());
      return new TrainingOptions(
          optimizer,
          epochs,
          batchSize,
          seed,
          validationFraction,
          earlyStoppingPatience,
          reconstructionWeight,
          predictionWeight,
          inputNoise,
          maskProbability,
          listener == null ? TrainingListener.NONE : listener);
    }

    private static void check(boolean ok, String template, Object... args) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(template, args));
      }
    }
  }
}
