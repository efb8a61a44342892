package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import java.util.Arrays;

/**
 * Batched-kernel forward pass for small batches: windows one after another, each step vectorised
 * along the {@code 4H} gate columns.
 *
 * <p>Per step and layer: {@code z = b + x W + h RW} as row updates {@code z += x[k] · W[k]} (four
 * rows per pass, fused multiply-adds; one pass over {@code 4H} columns), one sigmoid loop over the
 * gate columns {@code [H, 4H)} (DL4J's order {@code [g | f, o, i]} makes them contiguous), the cell
 * activation over {@code [0, H)}, then the four blocks copied into their own arrays for {@link
 * LstmMath#update} (C2 vectorises a loop only if every array in it is indexed by the bare loop
 * variable, so {@code z[H + j]} next to {@code c[j]} would stay scalar). The first step skips
 * {@code h RW} ({@code h = 0}); a decoder's first layer computes its input projection once per
 * window, since the repeat vector feeds it the same encoding at every step. Stacked layers advance
 * together, step by step, so no sequence is stored.
 */
final class SequentialForward implements ForwardKernel {
  private final AutoencoderSpec spec;
  private final boolean relu;
  private final LstmWeights[] encoder;
  private final HeadWeights reconstruction;
  private final HeadWeights prediction;
  private final float[][] encoderH;
  private final float[][] encoderC;
  private final float[][] decoderH;
  private final float[][] decoderC;
  private final float[] z;
  private final float[] zg;
  private final float[] zf;
  private final float[] zo;
  private final float[] zi;
  private final float[] projection;
  private final float[] output;

  SequentialForward(AutoencoderNetwork network) {
    this.spec = network.spec();
    this.relu = spec.activation() == CellActivation.RELU;
    this.encoder = network.fastEncoder();
    this.reconstruction = network.fastReconstruction();
    this.prediction = network.fastPrediction();
    HeadWeights anyHead = reconstruction != null ? reconstruction : prediction;
    int maxHidden = 0;
    encoderH = new float[encoder.length][];
    encoderC = new float[encoder.length][];
    for (int l = 0; l < encoder.length; l++) {
      encoderH[l] = new float[encoder[l].hidden];
      encoderC[l] = new float[encoder[l].hidden];
      maxHidden = Math.max(maxHidden, encoder[l].hidden);
    }
    // Both heads have the same decoder sizes, so they share the state arrays.
    decoderH = new float[anyHead.layers.length][];
    decoderC = new float[anyHead.layers.length][];
    for (int l = 0; l < anyHead.layers.length; l++) {
      decoderH[l] = new float[anyHead.layers[l].hidden];
      decoderC[l] = new float[anyHead.layers[l].hidden];
      maxHidden = Math.max(maxHidden, anyHead.layers[l].hidden);
    }
    z = new float[4 * maxHidden];
    zg = new float[maxHidden];
    zf = new float[maxHidden];
    zo = new float[maxHidden];
    zi = new float[maxHidden];
    projection = new float[4 * anyHead.layers[0].hidden];
    output = new float[spec.features()];
  }

  @Override
  public void run(float[] windows, int n, float[] reconstructionOut, float[] predictionOut) {
    int windowSize = spec.timesteps() * spec.features();
    int predictionSize = spec.predictedSteps() * spec.features();
    for (int s = 0; s < n; s++) {
      encode(windows, s * windowSize);
      if (reconstruction != null) {
        decode(reconstruction, reconstructionOut, s * windowSize);
      }
      if (prediction != null) {
        decode(prediction, predictionOut, s * predictionSize);
      }
    }
  }

  /** Runs the encoder over one window; the encoding is left in the last layer's {@code h}. */
  private void encode(float[] windows, int offset) {
    int features = spec.features();
    for (int l = 0; l < encoder.length; l++) {
      Arrays.fill(encoderC[l], 0f);
    }
    for (int t = 0; t < spec.timesteps(); t++) {
      boolean first = t == 0;
      step(encoder[0], windows, offset + t * features, null, encoderH[0], encoderC[0], first);
      for (int l = 1; l < encoder.length; l++) {
        step(encoder[l], encoderH[l - 1], 0, null, encoderH[l], encoderC[l], first);
      }
    }
  }

  private void decode(HeadWeights head, float[] out, int outOffset) {
    LstmWeights[] layers = head.layers;
    float[] encoding = encoderH[encoder.length - 1];
    LstmWeights first = layers[0];
    int g4 = 4 * first.hidden;
    System.arraycopy(first.bias, 0, projection, 0, g4);
    addRows(projection, g4, encoding, 0, first.inputRows, first.nIn);
    for (int l = 0; l < layers.length; l++) {
      Arrays.fill(decoderC[l], 0f);
    }
    int last = layers.length - 1;
    int features = head.features;
    for (int t = 0; t < head.steps; t++) {
      boolean firstStep = t == 0;
      step(first, null, 0, projection, decoderH[0], decoderC[0], firstStep);
      for (int l = 1; l < layers.length; l++) {
        step(layers[l], decoderH[l - 1], 0, null, decoderH[l], decoderC[l], firstStep);
      }
      // y = b + h W as one dot product per feature, four partial sums for the FMA pipelines.
      // (Row
      // updates y += h[k] · W[k] over F = 8 columns stayed scalar and cost 5× more.)
      float[] h = decoderH[last];
      float[] y = output;
      int hidden = h.length;
      for (int f = 0; f < features; f++) {
        float[] column = head.outputColumns[f];
        float s0 = head.outputBias[f];
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int k = 0;
        for (; k + 3 < hidden; k += 4) {
          s0 = Math.fma(h[k], column[k], s0);
          s1 = Math.fma(h[k + 1], column[k + 1], s1);
          s2 = Math.fma(h[k + 2], column[k + 2], s2);
          s3 = Math.fma(h[k + 3], column[k + 3], s3);
        }
        for (; k < hidden; k++) {
          s0 = Math.fma(h[k], column[k], s0);
        }
        y[f] = (s0 + s1) + (s2 + s3);
      }
      System.arraycopy(y, 0, out, outOffset + t * features, features);
    }
  }

  /**
   * One LSTM step for one window. The input is {@code x[xOffset .. xOffset + nIn)}, or, when {@code
   * init} is given, the precomputed {@code b + x W} is copied from it.
   */
  private void step(
      LstmWeights w, float[] x, int xOffset, float[] init, float[] h, float[] c, boolean first) {
    int hidden = w.hidden;
    int g4 = 4 * hidden;
    if (init != null) {
      System.arraycopy(init, 0, z, 0, g4);
    } else {
      System.arraycopy(w.bias, 0, z, 0, g4);
      addRows(z, g4, x, xOffset, w.inputRows, w.nIn);
    }
    if (!first) {
      addRows(z, g4, h, 0, w.recurrentRows, hidden);
    }
    // DL4J's column order [g | f, o, i] puts the three sigmoid gates in one range: one loop.
    LstmMath.sigmoid(z, hidden, g4);
    LstmMath.activation(z, 0, hidden, relu);
    System.arraycopy(z, 0, zg, 0, hidden);
    System.arraycopy(z, hidden, zf, 0, hidden);
    System.arraycopy(z, 2 * hidden, zo, 0, hidden);
    System.arraycopy(z, 3 * hidden, zi, 0, hidden);
    LstmMath.update(zg, zf, zo, zi, c, h, hidden, relu);
  }

  /** {@code z[0..len) += Σ_k x[xOffset + k] · rows[k]}, four rows per pass. */
  static void addRows(float[] z, int len, float[] x, int xOffset, float[][] rows, int count) {
    int k = 0;
    for (; k + 3 < count; k += 4) {
      float a0 = x[xOffset + k];
      float a1 = x[xOffset + k + 1];
      float a2 = x[xOffset + k + 2];
      float a3 = x[xOffset + k + 3];
      float[] r0 = rows[k];
      float[] r1 = rows[k + 1];
      float[] r2 = rows[k + 2];
      float[] r3 = rows[k + 3];
      for (int j = 0; j < len; j++) {
        z[j] =
            Math.fma(
                a3, r3[j], Math.fma(a2, r2[j], Math.fma(a1, r1[j], Math.fma(a0, r0[j], z[j]))));
      }
    }
    for (; k < count; k++) {
      float a = x[xOffset + k];
      float[] r = rows[k];
      for (int j = 0; j < len; j++) {
        z[j] = Math.fma(a, r[j], z[j]);
      }
    }
  }
}
