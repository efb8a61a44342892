package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.LayerNames;
import io.streamae.model.definition.ModelKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable, validated weights of an autoencoder plus its per-window reference forward pass on
 * plain float arrays.
 *
 * <p>The reference pass ({@link #forward}, implemented in {@link ReferenceForward}) allocates
 * nothing (all scratch space lives in a {@link Workspace} created once per thread) and computes the
 * decoders' input projection once per window instead of once per step, since a repeat vector feeds
 * them the same encoding at every step. LSTM gate layout follows DL4J: columns {@code [g, f, o, i]}
 * of {@code 4H}, where {@code g} (block input) uses the cell activation and the three gates the
 * sigmoid. For LSTM models the constructor also lays the weights out once for the batched kernels
 * that {@link BatchInference} uses ({@link LstmWeights}, {@link HeadWeights}).
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
  // The same weights in the layouts of the batched kernels; null for dense models.
  private final LstmWeights[] fastEncoder;
  private final HeadWeights fastReconstruction;
  private final HeadWeights fastPrediction;

  /**
   * One LSTM layer as DL4J stores it: {@code W [nIn, 4H]}, {@code RW [H, 4H]}, {@code b [4H]},
   * row-major, gate columns {@code [g, f, o, i]}.
   */
  public record Lstm(int nIn, int hidden, float[] w, float[] rw, float[] b) {}

  /** Fully connected layer {@code y = act(x W + b)}, W {@code [nIn, nOut]} (or transposed). */
  public record Dense(
      int nIn, int nOut, float[] w, boolean transposed, float[] b, boolean linear) {}

  /** A decoder head: its LSTM layers over {@code steps} steps and the time-distributed output. */
  public record Head(int steps, Lstm[] layers, Dense output) {}

  private AutoencoderNetwork(AutoencoderSpec spec, ParameterSet parameters) {
    this.spec = spec;
    this.parameters = parameters;
    int width = spec.features();
    if (spec.kind() == ModelKind.LSTM) {
      int nIn = spec.features();
      for (int i = 0; i < spec.layers().size(); i++) {
        Lstm layer = lstm(parameters, LayerNames.encoderLayer(i), nIn, spec.layers().get(i));
        encoder.add(layer);
        nIn = layer.hidden();
        width = Math.max(width, layer.hidden());
      }
      reconstruction =
          spec.mode().reconstructs()
              ? head(parameters, LayerNames.RECONSTRUCTION, spec.timesteps(), nIn)
              : null;
      prediction =
          spec.mode().predicts()
              ? head(parameters, LayerNames.PREDICTION, spec.horizon(), nIn)
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
    if (spec.kind() == ModelKind.LSTM) {
      this.fastEncoder = new LstmWeights[encoderLayers.length];
      for (int i = 0; i < encoderLayers.length; i++) {
        fastEncoder[i] = LstmWeights.of(encoderLayers[i]);
      }
      this.fastReconstruction = reconstruction == null ? null : HeadWeights.of(reconstruction);
      this.fastPrediction = prediction == null ? null : HeadWeights.of(prediction);
    } else {
      this.fastEncoder = null;
      this.fastReconstruction = null;
      this.fastPrediction = null;
    }
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

  /**
   * Names and shapes of the dense autoencoder's parameters, for training code that creates them.
   */
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
    List<Integer> sizes = LayerNames.decoderSizes(spec);
    for (int i = 0; i < sizes.size(); i++) {
      Lstm layer = lstm(p, LayerNames.decoderLayer(head, i), nIn, sizes.get(i));
      layers.add(layer);
      nIn = layer.hidden();
    }
    String out = LayerNames.outputLayer(head);
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
          new Dense(
              nIn, sizes.get(i), w, false, p.require(name + "/b", 1, sizes.get(i)).data(), false));
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
        denseLayers.add(
            new Dense(nIn, nOut, p.require(name + "/W", nIn, nOut).data(), false, b, linear));
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
   * Runs one window through the network: the per-window reference pass, kept simple on purpose.
   * {@link BatchInference} scores LSTM models with the batched kernels ({@link SequentialForward},
   * {@link LanewiseForward}, {@link VectorForward}), which tests keep equal to this pass to 1e-5.
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
    ReferenceForward.forward(
        this, window, offset, reconstruction, reconOffset, prediction, predOffset, ws);
  }

  /** The encoder layers, input side first (LSTM models only). */
  public Lstm[] encoderLayers() {
    return encoderLayers;
  }

  /** The reconstruction head, or null when the model does not reconstruct. */
  public Head reconstructionHead() {
    return reconstruction;
  }

  /** The prediction head, or null when the model does not predict. */
  public Head predictionHead() {
    return prediction;
  }

  Dense[] denseLayers() {
    return denseArray;
  }

  /** Weights of the encoder in the layouts of the batched kernels (LSTM models only). */
  LstmWeights[] fastEncoder() {
    return fastEncoder;
  }

  /** The reconstruction head for the batched kernels, or null. */
  HeadWeights fastReconstruction() {
    return fastReconstruction;
  }

  /** The prediction head for the batched kernels, or null. */
  HeadWeights fastPrediction() {
    return fastPrediction;
  }
}
