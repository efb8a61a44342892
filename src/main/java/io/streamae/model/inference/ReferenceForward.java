package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelKind;
import io.streamae.model.inference.AutoencoderNetwork.Dense;
import io.streamae.model.inference.AutoencoderNetwork.Head;
import io.streamae.model.inference.AutoencoderNetwork.Lstm;
import io.streamae.model.inference.AutoencoderNetwork.Workspace;

/**
 * The per-window forward pass on plain float arrays: the reference the batched kernels are tested
 * against, and the path for dense autoencoders.
 *
 * <p>One window at a time, scalar loops, {@link Math#exp} and {@link Math#tanh} in double: simple
 * rather than fast (about 1,000 windows/s for a 64-unit composite model). It allocates nothing;
 * scratch space lives in the caller's {@link Workspace}.
 */
final class ReferenceForward {
  private ReferenceForward() {}

  /** See {@link AutoencoderNetwork#forward}. */
  static void forward(
      AutoencoderNetwork network,
      float[] window,
      int offset,
      float[] reconstruction,
      int reconOffset,
      float[] prediction,
      int predOffset,
      Workspace ws) {
    AutoencoderSpec spec = network.spec();
    if (spec.kind() == ModelKind.DENSE) {
      forwardDense(network, window, offset, reconstruction, reconOffset, ws);
      return;
    }
    CellActivation act = spec.activation();
    float[] in = window;
    int inOffset = offset;
    float[] out = ws.seqA;
    Lstm[] encoderLayers = network.encoderLayers();
    for (Lstm layer : encoderLayers) {
      runLstm(layer, act, in, inOffset, spec.timesteps(), false, out, ws);
      in = out;
      inOffset = 0;
      out = out == ws.seqA ? ws.seqB : ws.seqA;
    }
    int encodingSize = encoderLayers[encoderLayers.length - 1].hidden();
    System.arraycopy(in, (spec.timesteps() - 1) * encodingSize, ws.encoding, 0, encodingSize);
    if (network.reconstructionHead() != null) {
      runHead(network.reconstructionHead(), act, reconstruction, reconOffset, ws);
    }
    if (network.predictionHead() != null) {
      runHead(network.predictionHead(), act, prediction, predOffset, ws);
    }
  }

  private static void runHead(
      Head head, CellActivation act, float[] dst, int dstOffset, Workspace ws) {
    float[] in = ws.encoding;
    boolean repeated = true;
    float[] out = ws.seqA;
    for (Lstm layer : head.layers()) {
      runLstm(layer, act, in, 0, head.steps(), repeated, out, ws);
      repeated = false;
      in = out;
      out = out == ws.seqA ? ws.seqB : ws.seqA;
    }
    Dense o = head.output();
    for (int t = 0; t < head.steps(); t++) {
      int hOff = t * o.nIn();
      int yOff = dstOffset + t * o.nOut();
      System.arraycopy(o.b(), 0, dst, yOff, o.nOut());
      for (int k = 0; k < o.nIn(); k++) {
        float hk = in[hOff + k];
        if (hk == 0f) {
          continue;
        }
        int wOff = k * o.nOut();
        for (int f = 0; f < o.nOut(); f++) {
          dst[yOff + f] += hk * o.w()[wOff + f];
        }
      }
    }
  }

  /**
   * One LSTM layer over {@code steps} steps; writes every hidden state to {@code out} as {@code
   * [steps, hidden]}. With {@code repeated} the same input vector feeds every step, so its
   * projection is computed once.
   */
  private static void runLstm(
      Lstm layer,
      CellActivation act,
      float[] in,
      int inOffset,
      int steps,
      boolean repeated,
      float[] out,
      Workspace ws) {
    int hidden = layer.hidden();
    int g4 = 4 * hidden;
    int nIn = layer.nIn();
    float[] z = ws.gates;
    float[] proj = ws.projection;
    float[] h = ws.h;
    float[] c = ws.c;
    float[] w = layer.w();
    float[] rw = layer.rw();
    java.util.Arrays.fill(h, 0, hidden, 0f);
    java.util.Arrays.fill(c, 0, hidden, 0f);
    if (repeated) {
      project(layer, in, inOffset, proj);
    }
    boolean relu = act == CellActivation.RELU;
    for (int t = 0; t < steps; t++) {
      if (repeated) {
        System.arraycopy(proj, 0, z, 0, g4);
      } else {
        project(layer, in, inOffset + t * nIn, z);
      }
      for (int k = 0; k < hidden; k++) {
        float hk = h[k];
        if (hk == 0f) {
          continue;
        }
        int off = k * g4;
        for (int j = 0; j < g4; j++) {
          z[j] += hk * rw[off + j];
        }
      }
      int outOff = t * hidden;
      for (int j = 0; j < hidden; j++) {
        float g = relu ? Math.max(0f, z[j]) : (float) Math.tanh(z[j]);
        float f = sigmoid(z[hidden + j]);
        float o = sigmoid(z[2 * hidden + j]);
        float i = sigmoid(z[3 * hidden + j]);
        float cell = f * c[j] + i * g;
        c[j] = cell;
        float hj = o * (relu ? Math.max(0f, cell) : (float) Math.tanh(cell));
        h[j] = hj;
        out[outOff + j] = hj;
      }
    }
  }

  /** {@code z = b + x W} for one input vector. */
  private static void project(Lstm layer, float[] x, int xOffset, float[] z) {
    int g4 = 4 * layer.hidden();
    float[] w = layer.w();
    System.arraycopy(layer.b(), 0, z, 0, g4);
    for (int k = 0; k < layer.nIn(); k++) {
      float xk = x[xOffset + k];
      if (xk == 0f) {
        continue;
      }
      int off = k * g4;
      for (int j = 0; j < g4; j++) {
        z[j] += xk * w[off + j];
      }
    }
  }

  private static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-x)));
  }

  private static void forwardDense(
      AutoencoderNetwork network,
      float[] window,
      int offset,
      float[] dst,
      int dstOffset,
      Workspace ws) {
    Dense[] denseArray = network.denseLayers();
    float[] in = window;
    int inOffset = offset;
    CellActivation act = network.spec().activation();
    for (int l = 0; l < denseArray.length; l++) {
      Dense d = denseArray[l];
      boolean last = l == denseArray.length - 1;
      float[] out = last ? dst : (in == ws.seqA ? ws.seqB : ws.seqA);
      int outOffset = last ? dstOffset : 0;
      System.arraycopy(d.b(), 0, out, outOffset, d.nOut());
      for (int k = 0; k < d.nIn(); k++) {
        float xk = in[inOffset + k];
        if (xk == 0f) {
          continue;
        }
        if (d.transposed()) {
          // W stored as the encoder's [nOut, nIn]: column k of it is strided.
          for (int j = 0; j < d.nOut(); j++) {
            out[outOffset + j] += xk * d.w()[j * d.nIn() + k];
          }
        } else {
          int off = k * d.nOut();
          for (int j = 0; j < d.nOut(); j++) {
            out[outOffset + j] += xk * d.w()[off + j];
          }
        }
      }
      if (!d.linear()) {
        for (int j = 0; j < d.nOut(); j++) {
          out[outOffset + j] = act.apply(out[outOffset + j]);
        }
      }
      in = out;
      inOffset = outOffset;
    }
  }
}
