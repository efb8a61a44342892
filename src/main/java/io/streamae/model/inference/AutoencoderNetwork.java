package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderGraphFactory;
import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable, validated weights of an autoencoder plus its forward pass on plain float arrays.
 *
 * <p>The forward pass is the scoring hot path: it allocates nothing (all scratch space lives in a
 * {@link Workspace} created once per thread) and computes the decoders' input projection once per
 * window instead of once per step, since a repeat vector feeds them the same encoding at every
 * step. LSTM gate layout follows DL4J: columns {@code [g, f, o, i]} of {@code 4H}, where {@code g}
 * (block input) uses the cell activation and the three gates the sigmoid.
 */
public final class AutoencoderNetwork {
  private final AutoencoderSpec spec;
  private final ParameterSet parameters;
  private final List<Lstm> encoder = new ArrayList<>();
  private final Head reconstruction;
  private final Head prediction;
  private final List<Dense> denseLayers = new ArrayList<>();
  private final int maxWidth;
  // Arrays, not lists, on the hot path: iterating a list allocates an iterator per call.
  private final Lstm[] encoderLayers;
  private final Dense[] denseArray;

  record Lstm(int nIn, int hidden, float[] w, float[] rw, float[] b) {}

  /** Fully connected layer {@code y = act(x W + b)}, W {@code [nIn, nOut]} (or transposed). */
  record Dense(int nIn, int nOut, float[] w, boolean transposed, float[] b, boolean linear) {}

  record Head(int steps, Lstm[] layers, Dense output) {}

  private AutoencoderNetwork(AutoencoderSpec spec, ParameterSet parameters) {
    this.spec = spec;
    this.parameters = parameters;
    int width = spec.features();
    if (spec.kind() == ModelKind.LSTM) {
      int nIn = spec.features();
      for (int i = 0; i < spec.layers().size(); i++) {
        Lstm layer = lstm(parameters, AutoencoderGraphFactory.encoderLayer(i), nIn, spec.layers().get(i));
        encoder.add(layer);
        nIn = layer.hidden();
        width = Math.max(width, layer.hidden());
      }
      reconstruction =
          spec.mode().reconstructs()
              ? head(parameters, AutoencoderGraphFactory.RECONSTRUCTION, spec.timesteps(), nIn)
              : null;
      prediction =
          spec.mode().predicts()
              ? head(parameters, AutoencoderGraphFactory.PREDICTION, spec.horizon(), nIn)
              : null;
    } else {
      reconstruction = null;
      prediction = null;
      buildDense(parameters);
      for (Dense d : denseLayers) {
        width = Math.max(width, Math.max(d.nIn(), d.nOut()));
      }
    }
    this.maxWidth = width;
    this.encoderLayers = encoder.toArray(Lstm[]::new);
    this.denseArray = denseLayers.toArray(Dense[]::new);
  }

  /**
   * Validates the parameters against the architecture and builds the network.
   *
   * @throws IllegalArgumentException naming the missing or mis-shaped parameter
   */
  public static AutoencoderNetwork of(AutoencoderSpec spec, ParameterSet parameters) {
    return new AutoencoderNetwork(spec, parameters);
  }

  public AutoencoderSpec spec() {
    return spec;
  }

  public ParameterSet parameters() {
    return parameters;
  }

  /** Names and shapes of the dense autoencoder's parameters, for training code that creates them. */
  public static String denseEncoder(int index) {
    return "dense-encoder-" + index;
  }

  public static String denseDecoder(int index) {
    return "dense-decoder-" + index;
  }

  private static Lstm lstm(ParameterSet p, String layer, int nIn, int hidden) {
    int gates = 4 * hidden;
    return new Lstm(
        nIn,
        hidden,
        p.require(layer + "/W", nIn, gates).data(),
        p.require(layer + "/RW", hidden, gates).data(),
        p.require(layer + "/b", 1, gates).data());
  }

  private Head head(ParameterSet p, String head, int steps, int encodingSize) {
    List<Lstm> layers = new ArrayList<>();
    int nIn = encodingSize;
    List<Integer> sizes = AutoencoderGraphFactory.decoderSizes(spec);
    for (int i = 0; i < sizes.size(); i++) {
      Lstm layer = lstm(p, AutoencoderGraphFactory.decoderLayer(head, i), nIn, sizes.get(i));
      layers.add(layer);
      nIn = layer.hidden();
    }
    String out = AutoencoderGraphFactory.outputLayer(head);
    Dense output =
        new Dense(
            nIn,
            spec.features(),
            p.require(out + "/W", nIn, spec.features()).data(),
            false,
            p.require(out + "/b", 1, spec.features()).data(),
            true);
    return new Head(steps, layers.toArray(Lstm[]::new), output);
  }

  private void buildDense(ParameterSet p) {
    int nIn = spec.timesteps() * spec.features();
    List<Integer> sizes = spec.layers();
    List<float[]> encoderWeights = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      String name = denseEncoder(i);
      float[] w = p.require(name + "/W", nIn, sizes.get(i)).data();
      encoderWeights.add(w);
      denseLayers.add(
          new Dense(nIn, sizes.get(i), w, false, p.require(name + "/b", 1, sizes.get(i)).data(), false));
      nIn = sizes.get(i);
    }
    for (int j = 0; j < sizes.size(); j++) {
      int mirror = sizes.size() - 1 - j;
      int nOut = mirror == 0 ? spec.timesteps() * spec.features() : sizes.get(mirror - 1);
      String name = denseDecoder(j);
      float[] b = p.require(name + "/b", 1, nOut).data();
      boolean linear = j == sizes.size() - 1;
      if (spec.tiedWeights()) {
        denseLayers.add(new Dense(nIn, nOut, encoderWeights.get(mirror), true, b, linear));
      } else {
        denseLayers.add(new Dense(nIn, nOut, p.require(name + "/W", nIn, nOut).data(), false, b, linear));
      }
      nIn = nOut;
    }
  }

  /** Scratch space for {@link #forward}; one per thread. */
  public Workspace newWorkspace() {
    return new Workspace(this);
  }

  /** Reusable buffers of one forward pass over one window. */
  public static final class Workspace {
    final float[] gates;
    final float[] projection;
    final float[] h;
    final float[] c;
    final float[] seqA;
    final float[] seqB;
    final float[] encoding;

    private Workspace(AutoencoderNetwork n) {
      int width = n.maxWidth;
      int steps = Math.max(n.spec.timesteps(), Math.max(1, n.spec.horizon()));
      gates = new float[4 * width];
      projection = new float[4 * width];
      h = new float[width];
      c = new float[width];
      seqA = new float[steps * width];
      seqB = new float[steps * width];
      encoding = new float[width];
    }
  }

  /**
   * Runs one window through the network.
   *
   * @param window {@code [timesteps, features]} normalised values, row-major, from {@code offset}
   * @param reconstruction receives {@code [timesteps, features]} at {@code reconOffset}; ignored
   *     when the model does not reconstruct
   * @param prediction receives {@code [horizon, features]} at {@code predOffset}; ignored when the
   *     model does not predict
   */
  public void forward(
      float[] window,
      int offset,
      float[] reconstruction,
      int reconOffset,
      float[] prediction,
      int predOffset,
      Workspace ws) {
    if (spec.kind() == ModelKind.DENSE) {
      forwardDense(window, offset, reconstruction, reconOffset, ws);
      return;
    }
    CellActivation act = spec.activation();
    float[] in = window;
    int inOffset = offset;
    float[] out = ws.seqA;
    for (Lstm layer : encoderLayers) {
      runLstm(layer, act, in, inOffset, spec.timesteps(), false, out, ws);
      in = out;
      inOffset = 0;
      out = out == ws.seqA ? ws.seqB : ws.seqA;
    }
    int encodingSize = encoderLayers[encoderLayers.length - 1].hidden();
    System.arraycopy(in, (spec.timesteps() - 1) * encodingSize, ws.encoding, 0, encodingSize);
    if (this.reconstruction != null) {
      runHead(this.reconstruction, act, reconstruction, reconOffset, ws);
    }
    if (this.prediction != null) {
      runHead(this.prediction, act, prediction, predOffset, ws);
    }
  }

  private void runHead(Head head, CellActivation act, float[] dst, int dstOffset, Workspace ws) {
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

  private void forwardDense(float[] window, int offset, float[] dst, int dstOffset, Workspace ws) {
    float[] in = window;
    int inOffset = offset;
    CellActivation act = spec.activation();
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
