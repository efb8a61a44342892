package io.streamae.model.training;

import io.streamae.model.inference.AutoencoderNetwork;
import java.util.List;

/**
 * A trained network and how training went.
 *
 * @param bestEpoch the epoch whose parameters were kept (the last one without early stopping)
 * @param validationWindows how many windows were held out (the newest ones)
 */
public record TrainingResult(
    AutoencoderNetwork network,
    List<EpochStats> history,
    int bestEpoch,
    int trainingWindows,
    int validationWindows) {

  public double finalTrainLoss() {
    return history.isEmpty() ? Double.NaN : history.get(bestEpoch - 1).trainLoss();
  }

  public double finalValidationLoss() {
    return history.isEmpty() ? Double.NaN : history.get(bestEpoch - 1).validationLoss();
  }
}
