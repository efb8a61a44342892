package io.streamae.model.inference;

/**
 * One LSTM layer's weights laid out once, at model load, for the batched kernels.
 *
 * <p>DL4J stores {@code W [nIn, 4H]}, {@code RW [H, 4H]} and {@code b [1, 4H]} with gate columns
 * {@code [g, f, o, i]}. Two copies serve the two kernels:
 *
 * <ul>
 *   <li>{@link SequentialForward} (one window at a time, vectorised along the {@code 4H} gate
 *       columns) reads whole rows: {@link #inputRows} {@code [nIn][4H]}, {@link #recurrentRows}
 *       {@code [H][4H]}, {@link #bias}.
 *   <li>{@link LanewiseForward} (windows as SIMD lanes) needs, per hidden unit {@code j}, the
 *       scalar weights of its four gates: {@link #unitCoefficients}{@code [j]} holds for every
 *       input {@code k} (first the {@code nIn} inputs, then the {@code H} recurrent ones) the four
 *       weights {@code g, f, o, i} next to each other, so the kernel reads them sequentially.
 * </ul>
 *
 * ({@link VectorForward} packs its own copy, per group of hidden units, when it is created.) Each
 * row is its own array on purpose: C2 (Java 17) vectorises a loop only when every array index in it
 * is the loop variable plus the same loop-invariant term, so kernels index {@code row[j]}, never
 * {@code matrix[offset + j]}.
 */
final class LstmWeights {
  final int nIn;
  final int hidden;

  /** {@code [4H]}, DL4J gate order. */
  final float[] bias;

  /** {@code [nIn][4H]}: row {@code k} of W. */
  final float[][] inputRows;

  /** {@code [H][4H]}: row {@code k} of RW. */
  final float[][] recurrentRows;

  /**
   * {@code [H][4 (nIn + H)]}: for unit {@code j}, entry {@code 4k + q} is the weight of input k.
   */
  final float[][] unitCoefficients;

  /** {@code [4H]}: entry {@code 4j + q} is the bias of gate q (g, f, o, i) of unit j. */
  final float[] unitBias;

  private LstmWeights(int nIn, int hidden, float[] w, float[] rw, float[] b) {
    this.nIn = nIn;
    this.hidden = hidden;
    int g4 = 4 * hidden;
    this.bias = b.clone();
    this.inputRows = rows(w, nIn, g4);
    this.recurrentRows = rows(rw, hidden, g4);
    this.unitCoefficients = new float[hidden][4 * (nIn + hidden)];
    this.unitBias = new float[g4];
    for (int j = 0; j < hidden; j++) {
      float[] coef = unitCoefficients[j];
      for (int q = 0; q < 4; q++) {
        int column = q * hidden + j;
        unitBias[4 * j + q] = b[column];
        for (int k = 0; k < nIn; k++) {
          coef[4 * k + q] = w[k * g4 + column];
        }
        for (int k = 0; k < hidden; k++) {
          coef[4 * (nIn + k) + q] = rw[k * g4 + column];
        }
      }
    }
  }

  static LstmWeights of(AutoencoderNetwork.Lstm layer) {
    return new LstmWeights(layer.nIn(), layer.hidden(), layer.w(), layer.rw(), layer.b());
  }

  static float[][] rows(float[] matrix, int rows, int cols) {
    float[][] out = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(matrix, r * cols, out[r], 0, cols);
    }
    return out;
  }
}
