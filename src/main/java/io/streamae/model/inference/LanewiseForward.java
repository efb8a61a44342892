package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import java.util.Arrays;

/**
 * Batched-kernel forward pass for larger batches: all windows advance together, one window per SIMD
 * lane.
 *
 * <p>Every call computes all {@code maxBatch} lanes, padding a smaller batch with zero windows. C2
 * shapes a vectorised loop (unrolling, pre- and post-loops) by the trip count it profiled when
 * compiling, and keeps that code: compiled while running 256 lanes, the kernel then ran 32 lanes at
 * a third of the speed it had when compiled at 32; compiled at 1 lane, it ran 256 lanes at a fifth.
 * A fixed trip count per instance keeps the compiled shape right; {@link BatchInference} runs small
 * batches on {@link SequentialForward} instead.
 *
 * <p>Every tensor is stored feature-major, one array of {@code maxBatch} lanes per row: the input
 * as {@code x[t][f][window]}, hidden and cell states as {@code h[unit][window]}. Per step, layer
 * and hidden unit {@code j} the kernel computes the unit's four gate pre-activations for all
 * windows, {@code z_q = b_q + Σ_k w_qk · in_k} (four gates and two inputs per pass, fused
 * multiply-adds, so each lane vector loaded feeds eight FMAs), and applies {@link LstmMath#cell}
 * while they are still in L1. This is the matrix product {@code [n, nIn + H] × [nIn + H, 4H]}
 * without packing or transposes, and the cell update on contiguous lanes. The input projection of a
 * decoder's first layer (the repeated encoding) is computed once per call; the first step skips the
 * recurrent product ({@code h = 0}); stacked layers advance together, step by step. The
 * time-distributed output {@code y = h W + b} is the same kind of product with one output per
 * feature, scattered back to {@code [window, step, feature]}.
 */
final class LanewiseForward implements ForwardKernel {
  private final AutoencoderSpec spec;
  private final boolean relu;

  /** Lanes every call computes: all of them, whatever the batch size (see the class comment). */
  private final int lanes;

  private final LstmWeights[] encoder;
  private final HeadWeights reconstruction;
  private final HeadWeights prediction;

  /** {@code [timesteps][features][maxBatch]}. */
  private final float[][][] input;

  private final LayerState[] encoderState;
  private final LayerState[] decoderState;

  /** {@code [4 · unit + gate][maxBatch]}: b + encoding · W of the decoders' first layer. */
  private final float[][] projection;

  private final float[] zg;
  private final float[] zf;
  private final float[] zo;
  private final float[] zi;
  private final float[] y;

  /**
   * One layer's hidden state (double-buffered: step t reads h_{t-1} while writing h_t) and cell.
   */
  private static final class LayerState {
    float[][] h;
    float[][] next;
    final float[][] c;

    LayerState(int hidden, int lanes) {
      h = new float[hidden][lanes];
      next = new float[hidden][lanes];
      c = new float[hidden][lanes];
    }

    void swap() {
      float[][] t = h;
      h = next;
      next = t;
    }

    void clearCell(int n) {
      for (float[] row : c) {
        Arrays.fill(row, 0, n, 0f);
      }
    }
  }

  LanewiseForward(AutoencoderNetwork network, int maxBatch) {
    this.spec = network.spec();
    this.relu = spec.activation() == CellActivation.RELU;
    this.lanes = maxBatch;
    this.encoder = network.fastEncoder();
    this.reconstruction = network.fastReconstruction();
    this.prediction = network.fastPrediction();
    this.input = new float[spec.timesteps()][spec.features()][maxBatch];
    this.encoderState = new LayerState[encoder.length];
    for (int l = 0; l < encoder.length; l++) {
      encoderState[l] = new LayerState(encoder[l].hidden, maxBatch);
    }
    HeadWeights anyHead = reconstruction != null ? reconstruction : prediction;
    this.decoderState = new LayerState[anyHead.layers.length];
    for (int l = 0; l < decoderState.length; l++) {
      decoderState[l] = new LayerState(anyHead.layers[l].hidden, maxBatch);
    }
    this.projection = new float[4 * anyHead.layers[0].hidden][maxBatch];
    this.zg = new float[maxBatch];
    this.zf = new float[maxBatch];
    this.zo = new float[maxBatch];
    this.zi = new float[maxBatch];
    this.y = new float[maxBatch];
  }

  @Override
  public void run(float[] windows, int n, float[] reconstructionOut, float[] predictionOut) {
    if (n > lanes) {
      throw new IllegalArgumentException(
          String.format("batch of %s windows, this kernel holds at most %s", n, lanes));
    }
    transposeInput(windows, n);
    for (LayerState state : encoderState) {
      state.clearCell(lanes);
    }
    for (int t = 0; t < spec.timesteps(); t++) {
      boolean first = t == 0;
      step(encoder[0], input[t], null, encoderState[0], first, lanes);
      for (int l = 1; l < encoder.length; l++) {
        step(encoder[l], encoderState[l - 1].h, null, encoderState[l], first, lanes);
      }
    }
    float[][] encoding = encoderState[encoder.length - 1].h;
    if (reconstruction != null) {
      decode(reconstruction, encoding, reconstructionOut, n);
    }
    if (prediction != null) {
      decode(prediction, encoding, predictionOut, n);
    }
  }

  /**
   * {@code [n, T, F]} row-major into {@code input[t][f][window]}; lanes from {@code n} on get
   * zeros, so unused lanes compute on finite values.
   */
  private void transposeInput(float[] windows, int n) {
    int steps = spec.timesteps();
    int features = spec.features();
    int p = 0;
    for (int s = 0; s < n; s++) {
      for (int t = 0; t < steps; t++) {
        float[][] row = input[t];
        for (int f = 0; f < features; f++) {
          row[f][s] = windows[p++];
        }
      }
    }
    if (n < lanes) {
      for (float[][] step : input) {
        for (float[] row : step) {
          Arrays.fill(row, n, lanes, 0f);
        }
      }
    }
  }

  private void decode(HeadWeights head, float[][] encoding, float[] out, int n) {
    LstmWeights[] layers = head.layers;
    LstmWeights first = layers[0];
    for (int j = 0; j < first.hidden; j++) {
      float[] pg = projection[4 * j];
      float[] pf = projection[4 * j + 1];
      float[] po = projection[4 * j + 2];
      float[] pi = projection[4 * j + 3];
      Arrays.fill(pg, 0, lanes, first.unitBias[4 * j]);
      Arrays.fill(pf, 0, lanes, first.unitBias[4 * j + 1]);
      Arrays.fill(po, 0, lanes, first.unitBias[4 * j + 2]);
      Arrays.fill(pi, 0, lanes, first.unitBias[4 * j + 3]);
      accumulateGates(first.unitCoefficients[j], 0, encoding, first.nIn, pg, pf, po, pi, lanes);
    }
    for (LayerState state : decoderState) {
      state.clearCell(lanes);
    }
    int last = layers.length - 1;
    int features = head.features;
    int steps = head.steps;
    for (int t = 0; t < steps; t++) {
      boolean firstStep = t == 0;
      step(first, null, projection, decoderState[0], firstStep, lanes);
      for (int l = 1; l < layers.length; l++) {
        step(layers[l], decoderState[l - 1].h, null, decoderState[l], firstStep, lanes);
      }
      float[][] h = decoderState[last].h;
      for (int f = 0; f < features; f++) {
        Arrays.fill(y, 0, lanes, head.outputBias[f]);
        accumulate(head.outputColumns[f], h, h.length, y, lanes);
        int p = t * features + f;
        int stride = steps * features;
        for (int s = 0; s < n; s++) {
          out[p] = y[s];
          p += stride;
        }
      }
    }
  }

  /**
   * One step of one layer for all windows: reads {@code state.h} (h_{t-1}), writes h_t and swaps.
   * The input is {@code x[k][window]}, or, when {@code init} is given, the precomputed {@code b + x
   * W} rows {@code init[4 · unit + gate]}.
   */
  private void step(
      LstmWeights w, float[][] x, float[][] init, LayerState state, boolean first, int n) {
    float[][] hPrev = state.h;
    float[][] hNext = state.next;
    float[][] c = state.c;
    for (int j = 0; j < w.hidden; j++) {
      float[] coef = w.unitCoefficients[j];
      if (init != null) {
        System.arraycopy(init[4 * j], 0, zg, 0, n);
        System.arraycopy(init[4 * j + 1], 0, zf, 0, n);
        System.arraycopy(init[4 * j + 2], 0, zo, 0, n);
        System.arraycopy(init[4 * j + 3], 0, zi, 0, n);
      } else {
        Arrays.fill(zg, 0, n, w.unitBias[4 * j]);
        Arrays.fill(zf, 0, n, w.unitBias[4 * j + 1]);
        Arrays.fill(zo, 0, n, w.unitBias[4 * j + 2]);
        Arrays.fill(zi, 0, n, w.unitBias[4 * j + 3]);
        accumulateGates(coef, 0, x, w.nIn, zg, zf, zo, zi, n);
      }
      if (!first) {
        accumulateGates(coef, 4 * w.nIn, hPrev, w.hidden, zg, zf, zo, zi, n);
      }
      LstmMath.cell(zg, zf, zo, zi, c[j], hNext[j], n, relu);
    }
    state.swap();
  }

  /**
   * {@code z_q[i] += Σ_k coef[base + 4k + q] · x[k][i]} for the four gates {@code q} of one unit,
   * two inputs per pass: per lane vector two loads of x feed eight FMAs. (Three or four inputs per
   * pass measured slower or collapsed to scalar code on Java 17.)
   */
  static void accumulateGates(
      float[] coef,
      int base,
      float[][] x,
      int count,
      float[] zg,
      float[] zf,
      float[] zo,
      float[] zi,
      int n) {
    int k = 0;
    for (; k + 1 < count; k += 2) {
      int c = base + 4 * k;
      float g0 = coef[c];
      float f0 = coef[c + 1];
      float o0 = coef[c + 2];
      float i0 = coef[c + 3];
      float g1 = coef[c + 4];
      float f1 = coef[c + 5];
      float o1 = coef[c + 6];
      float i1 = coef[c + 7];
      float[] x0 = x[k];
      float[] x1 = x[k + 1];
      for (int i = 0; i < n; i++) {
        float a = x0[i];
        float b = x1[i];
        zg[i] = Math.fma(g1, b, Math.fma(g0, a, zg[i]));
        zf[i] = Math.fma(f1, b, Math.fma(f0, a, zf[i]));
        zo[i] = Math.fma(o1, b, Math.fma(o0, a, zo[i]));
        zi[i] = Math.fma(i1, b, Math.fma(i0, a, zi[i]));
      }
    }
    if (k < count) {
      int c = base + 4 * k;
      float g0 = coef[c];
      float f0 = coef[c + 1];
      float o0 = coef[c + 2];
      float i0 = coef[c + 3];
      float[] x0 = x[k];
      for (int i = 0; i < n; i++) {
        float a = x0[i];
        zg[i] = Math.fma(g0, a, zg[i]);
        zf[i] = Math.fma(f0, a, zf[i]);
        zo[i] = Math.fma(o0, a, zo[i]);
        zi[i] = Math.fma(i0, a, zi[i]);
      }
    }
  }

  /** {@code z[i] += Σ_k coef[k] · x[k][i]}, four inputs per pass. */
  static void accumulate(float[] coef, float[][] x, int count, float[] z, int n) {
    int k = 0;
    for (; k + 3 < count; k += 4) {
      float a0 = coef[k];
      float a1 = coef[k + 1];
      float a2 = coef[k + 2];
      float a3 = coef[k + 3];
      float[] x0 = x[k];
      float[] x1 = x[k + 1];
      float[] x2 = x[k + 2];
      float[] x3 = x[k + 3];
      for (int i = 0; i < n; i++) {
        z[i] =
            Math.fma(
                a3, x3[i], Math.fma(a2, x2[i], Math.fma(a1, x1[i], Math.fma(a0, x0[i], z[i]))));
      }
    }
    for (; k < count; k++) {
      float a = coef[k];
      float[] x0 = x[k];
      for (int i = 0; i < n; i++) {
        z[i] = Math.fma(a, x0[i], z[i]);
      }
    }
  }
}
