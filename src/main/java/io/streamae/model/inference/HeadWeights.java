package io.streamae.model.inference;

/**
 * A decoder head laid out for the batched kernels: its LSTM layers and the time-distributed output
 * dense {@code y = h W + b}, W {@code [H, F]}, as rows ({@link #outputRows} {@code [H][F]}) and as
 * columns ({@link #outputColumns} {@code [F][H]}).
 */
final class HeadWeights {
  final int steps;
  final LstmWeights[] layers;
  final int features;
  final float[][] outputRows;
  final float[][] outputColumns;
  final float[] outputBias;

  private HeadWeights(AutoencoderNetwork.Head head) {
    this.steps = head.steps();
    this.layers = new LstmWeights[head.layers().length];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = LstmWeights.of(head.layers()[i]);
    }
    AutoencoderNetwork.Dense out = head.output();
    this.features = out.nOut();
    this.outputRows = LstmWeights.rows(out.w(), out.nIn(), out.nOut());
    this.outputColumns = new float[out.nOut()][out.nIn()];
    for (int k = 0; k < out.nIn(); k++) {
      for (int f = 0; f < out.nOut(); f++) {
        outputColumns[f][k] = out.w()[k * out.nOut() + f];
      }
    }
    this.outputBias = out.b().clone();
  }

  static HeadWeights of(AutoencoderNetwork.Head head) {
    return new HeadWeights(head);
  }

  /** Hidden size of the last decoder layer, the output layer's input. */
  int outputInputs() {
    return layers[layers.length - 1].hidden;
  }
}
