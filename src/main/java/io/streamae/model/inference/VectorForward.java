package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batched forward pass on the Vector API ({@code jdk.incubator.vector}, Java 17 incubator): a
 * register-blocked micro-kernel per LSTM step, vectorised along the hidden units, for batches of
 * any size.
 *
 * <p><b>Layout.</b> Hidden units form groups of {@link #LANES} (16 with AVX-512), one unit per
 * lane; the weights of a group are packed so that for each input k the four gate vectors (g, f, o,
 * i) lie next to each other ({@link Layer}). Each layer keeps, per window, an input row {@code [x_t
 * | h_{t-1}]}, so that one loop over {@code nIn + H} inputs computes {@code z = b + x W + h RW}.
 * Windows stay window-major, as the caller's {@code [n, T, F]} input is: nothing is transposed, and
 * a call computes only its {@code n} windows.
 *
 * <p><b>Micro-kernel.</b> Per step, layer and group, four windows at a time: 16 accumulators (four
 * windows × four gates) live in registers while the loop over the inputs loads the four weight
 * vectors once, broadcasts each window's input value, and issues 16 fused multiply-adds ({@link
 * #accumulate4}; two or one window for the rest of a batch). Groups are the outer loop so that a
 * group's weights (18 KB for config B) stay in L1 while all windows pass. The sums then go through
 * the cell (the rational tanh and sigmoid of {@link LstmMath}, vectorised) into {@code c} and the
 * next row's {@code h}. Padding units have zero weights and bias, so their h and c stay 0. As in
 * the other kernels, a decoder's first layer computes the projection of the repeated encoding once
 * per call, first steps skip the recurrent product, and stacked layers advance together. Every
 * block size sums a window's inputs in the same order, so a window's outputs are bit for bit the
 * same in any batch, at any position: a threshold calibrated on batches of 256 compares exactly
 * with the error of the same window scored alone.
 *
 * <p><b>Why the code is shaped like this.</b> A vector passed to or returned from a method that C2
 * did not inline is boxed on the heap, and C2 stops inlining a compilation's own calls once it has
 * grown past a node budget that vector code reaches after a few dozen operations (a first version
 * that passed vectors to small helpers ran at 2,000 windows/s and allocated). So every method here
 * is a leaf for vector values: the micro-kernel, the activation and the cell update exchange their
 * values through a small scratch array ({@link #z}, in L1), and tanh is written out where it is
 * used.
 *
 * <p>Only {@link BatchInference} creates it, through {@link #create}, and only when the module is
 * in the boot layer: this is the only class that names a vector type.
 */
final class VectorForward implements ForwardKernel {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  /** Lanes per vector: hidden units per group, output features per block. */
  static final int LANES = SPECIES.length();

  /** Windows per register block: four windows times four gates is 16 accumulators. */
  static final int BLOCK = 4;

  /** Beyond this the rational approximation of tanh has reached ±1 (see {@link LstmMath}). */
  private static final float TANH_CLAMP = 7.90531110763549805f;

  // Coefficients of LstmMath.tanh: v · p(v²) / q(v²), p of degree 6 and q of degree 3 in v².
  private static final float P13 = -2.76076847742355e-16f;
  private static final float P11 = 2.00018790482477e-13f;
  private static final float P9 = -8.60467152213735e-11f;
  private static final float P7 = 5.12229709037114e-08f;
  private static final float P5 = 1.48572235717979e-05f;
  private static final float P3 = 6.37261928875436e-04f;
  private static final float P1 = 4.89352455891786e-03f;
  private static final float Q6 = 1.19825839466702e-06f;
  private static final float Q4 = 1.18534705686654e-04f;
  private static final float Q2 = 2.26843463243900e-03f;
  private static final float Q0 = 4.89352518554385e-03f;

  private final AutoencoderSpec spec;
  private final boolean relu;
  private final int maxBatch;
  private final Layer[] encoder;
  private final Head reconstruction;
  private final Head prediction;
  private final State[] encoderState;
  private final State[] decoderState;

  /** {@code [window][group][gate][lane]}: b + encoding · W of the decoders' first layer. */
  private final float[] projection;

  /** Gate pre-activations of one register block, {@code [window][gate][lane]}. */
  private final float[] z = new float[BLOCK * 4 * LANES];

  /** One window's output row, padded to whole vectors. */
  private final float[] output;

  static ForwardKernel create(AutoencoderNetwork network, int maxBatch) {
    return new VectorForward(network, maxBatch);
  }

  /**
   * One LSTM layer packed for the kernel: hidden units in groups of {@link #LANES} (the last one
   * padded with zero weights, which keeps the padding units at h = c = 0), and per group, for every
   * input k (the {@code nIn} inputs, then the {@code H} recurrent ones), the weights of the four
   * gates g, f, o, i as four vectors, one lane per unit: {@code weights[((group · K + k) · 4 + q) ·
   * LANES + lane]}, {@code K = nIn + H}.
   */
  static final class Layer {
    final int nIn;
    final int hidden;
    final int padded;
    final int groups;

    /** Floats per window in the layer's input rows: {@code [x (nIn) | h (padded)]}. */
    final int row;

    final float[] weights;
    final float[] bias;

    Layer(AutoencoderNetwork.Lstm layer) {
      this.nIn = layer.nIn();
      this.hidden = layer.hidden();
      this.groups = (hidden + LANES - 1) / LANES;
      this.padded = groups * LANES;
      this.row = nIn + padded;
      int inputs = nIn + hidden;
      int g4 = 4 * hidden;
      this.weights = new float[groups * inputs * 4 * LANES];
      this.bias = new float[groups * 4 * LANES];
      for (int j = 0; j < hidden; j++) {
        int group = j / LANES;
        int lane = j % LANES;
        for (int q = 0; q < 4; q++) {
          int column = q * hidden + j;
          bias[(group * 4 + q) * LANES + lane] = layer.b()[column];
          for (int k = 0; k < inputs; k++) {
            float w = k < nIn ? layer.w()[k * g4 + column] : layer.rw()[(k - nIn) * g4 + column];
            weights[((group * inputs + k) * 4 + q) * LANES + lane] = w;
          }
        }
      }
    }

    int inputs() {
      return nIn + hidden;
    }
  }

  /** A decoder head: its layers and the output dense, W as {@code [H][F padded]}. */
  static final class Head {
    final int steps;
    final Layer[] layers;
    final int features;
    final int paddedFeatures;
    final float[] weights;
    final float[] bias;

    Head(AutoencoderNetwork.Head head) {
      this.steps = head.steps();
      this.layers = new Layer[head.layers().length];
      for (int l = 0; l < layers.length; l++) {
        layers[l] = new Layer(head.layers()[l]);
      }
      AutoencoderNetwork.Dense out = head.output();
      this.features = out.nOut();
      this.paddedFeatures = (features + LANES - 1) / LANES * LANES;
      this.weights = new float[out.nIn() * paddedFeatures];
      for (int k = 0; k < out.nIn(); k++) {
        System.arraycopy(out.w(), k * features, weights, k * paddedFeatures, features);
      }
      this.bias = new float[paddedFeatures];
      System.arraycopy(out.b(), 0, bias, 0, features);
    }
  }

  /**
   * One layer's state for every window: input rows {@code [window][x | h]} (double-buffered: step t
   * reads x_t and h_{t-1} from {@code cur} and writes h_t to {@code next}) and the cell {@code
   * [window][padded]}.
   */
  private static final class State {
    float[] cur;
    float[] next;
    final float[] c;

    State(Layer layer, int maxBatch) {
      cur = new float[maxBatch * layer.row];
      next = new float[maxBatch * layer.row];
      c = new float[maxBatch * layer.padded];
    }

    void swap() {
      float[] t = cur;
      cur = next;
      next = t;
    }
  }

  private VectorForward(AutoencoderNetwork network, int maxBatch) {
    this.spec = network.spec();
    this.relu = spec.activation() == CellActivation.RELU;
    this.maxBatch = maxBatch;
    AutoencoderNetwork.Lstm[] layers = network.encoderLayers();
    this.encoder = new Layer[layers.length];
    this.encoderState = new State[layers.length];
    for (int l = 0; l < layers.length; l++) {
      encoder[l] = new Layer(layers[l]);
      encoderState[l] = new State(encoder[l], maxBatch);
    }
    this.reconstruction =
        network.reconstructionHead() == null ? null : new Head(network.reconstructionHead());
    this.prediction = network.predictionHead() == null ? null : new Head(network.predictionHead());
    Head anyHead = reconstruction != null ? reconstruction : prediction;
    this.decoderState = new State[anyHead.layers.length];
    for (int l = 0; l < decoderState.length; l++) {
      decoderState[l] = new State(anyHead.layers[l], maxBatch);
    }
    this.projection = new float[maxBatch * anyHead.layers[0].groups * 4 * LANES];
    this.output = new float[anyHead.paddedFeatures];
  }

  @Override
  public void run(float[] windows, int n, float[] reconstructionOut, float[] predictionOut) {
    if (n > maxBatch) {
      throw new IllegalArgumentException(
          String.format("batch of %s windows, this kernel holds at most %s", n, maxBatch));
    }
    int steps = spec.timesteps();
    int features = spec.features();
    Layer in = encoder[0];
    for (int t = 0; t < steps; t++) {
      boolean first = t == 0;
      float[] rows = encoderState[0].cur;
      for (int s = 0; s < n; s++) {
        System.arraycopy(windows, (s * steps + t) * features, rows, s * in.row, features);
      }
      step(in, encoderState[0], null, 0, 0, first, n);
      for (int l = 1; l < encoder.length; l++) {
        feed(encoder[l - 1], encoderState[l - 1], encoder[l], encoderState[l], n);
        step(encoder[l], encoderState[l], null, 0, 0, first, n);
      }
    }
    if (reconstruction != null) {
      decode(reconstruction, reconstructionOut, n);
    }
    if (prediction != null) {
      decode(prediction, predictionOut, n);
    }
  }

  /** Copies h_t of layer {@code from} into the input part of layer {@code to}'s rows. */
  private static void feed(Layer from, State fromState, Layer to, State toState, int n) {
    float[] src = fromState.cur;
    float[] dst = toState.cur;
    for (int s = 0; s < n; s++) {
      System.arraycopy(src, s * from.row + from.nIn, dst, s * to.row, to.nIn);
    }
  }

  private void decode(Head head, float[] out, int n) {
    Layer first = head.layers[0];
    Layer last = encoder[encoder.length - 1];
    float[] encoding = encoderState[encoder.length - 1].cur;
    int stride = first.groups * 4 * LANES;
    // The repeated encoding feeds every step: its projection b + x W is computed once.
    for (int u = 0; u < first.groups; u++) {
      int wp = u * first.inputs() * 4 * LANES;
      for (int s = 0, m; s < n; s += m) {
        m = blockSize(n - s);
        accumulate(
            m,
            first.weights,
            wp,
            encoding,
            s * last.row + last.nIn,
            last.row,
            first.nIn,
            first.bias,
            u * 4 * LANES,
            0,
            z);
        for (int r = 0; r < m; r++) {
          System.arraycopy(
              z, r * 4 * LANES, projection, (s + r) * stride + u * 4 * LANES, 4 * LANES);
        }
      }
    }
    State top = decoderState[decoderState.length - 1];
    Layer topLayer = head.layers[head.layers.length - 1];
    for (int t = 0; t < head.steps; t++) {
      boolean firstStep = t == 0;
      step(first, decoderState[0], projection, stride, first.nIn, firstStep, n);
      for (int l = 1; l < head.layers.length; l++) {
        feed(head.layers[l - 1], decoderState[l - 1], head.layers[l], decoderState[l], n);
        step(head.layers[l], decoderState[l], null, 0, 0, firstStep, n);
      }
      dense(head, top.cur, topLayer, t, out, n);
    }
  }

  /** The time-distributed output {@code y = h W + b} of step {@code t} for every window. */
  private void dense(Head head, float[] rows, Layer layer, int t, float[] out, int n) {
    int hidden = layer.hidden;
    int fp = head.paddedFeatures;
    float[] w = head.weights;
    int features = head.features;
    int stride = head.steps * features;
    for (int s = 0; s < n; s++) {
      int off = s * layer.row + layer.nIn;
      for (int fb = 0; fb < fp; fb += LANES) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, head.bias, fb);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int k = 0;
        for (; k + 3 < hidden; k += 4) {
          int p = k * fp + fb;
          a0 =
              FloatVector.fromArray(SPECIES, w, p)
                  .fma(FloatVector.broadcast(SPECIES, rows[off + k]), a0);
          a1 =
              FloatVector.fromArray(SPECIES, w, p + fp)
                  .fma(FloatVector.broadcast(SPECIES, rows[off + k + 1]), a1);
          a2 =
              FloatVector.fromArray(SPECIES, w, p + 2 * fp)
                  .fma(FloatVector.broadcast(SPECIES, rows[off + k + 2]), a2);
          a3 =
              FloatVector.fromArray(SPECIES, w, p + 3 * fp)
                  .fma(FloatVector.broadcast(SPECIES, rows[off + k + 3]), a3);
        }
        for (; k < hidden; k++) {
          a0 =
              FloatVector.fromArray(SPECIES, w, k * fp + fb)
                  .fma(FloatVector.broadcast(SPECIES, rows[off + k]), a0);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(output, fb);
      }
      System.arraycopy(output, 0, out, s * stride + t * features, features);
    }
  }

  /**
   * One step of one layer for windows {@code [0, n)}: reads x_t and h_{t-1} from {@code state.cur},
   * writes h_t and swaps. The gate sums start from the bias or, when {@code init} is given, from
   * {@code init[s · initStride + group · 4 · LANES + q · LANES]}; inputs before {@code from} are
   * skipped (a decoder's first layer has its input in {@code init}).
   */
  private void step(
      Layer p, State state, float[] init, int initStride, int from, boolean first, int n) {
    int inputs = p.inputs();
    int row = p.row;
    int count = (first ? p.nIn : inputs) - from;
    float[] start = init != null ? init : p.bias;
    int startStride = init != null ? initStride : 0;
    float[] rows = state.cur;
    for (int u = 0; u < p.groups; u++) {
      int wp = (u * inputs + from) * 4 * LANES;
      for (int s = 0, m; s < n; s += m) {
        m = blockSize(n - s);
        accumulate(
            m,
            p.weights,
            wp,
            rows,
            s * row + from,
            row,
            count,
            start,
            s * startStride + u * 4 * LANES,
            startStride,
            z);
        activate(z, m, relu);
        update(
            z,
            m,
            state.c,
            s * p.padded + u * LANES,
            p.padded,
            state.next,
            s * row + p.nIn + u * LANES,
            row,
            first,
            relu);
      }
    }
    state.swap();
  }

  /** Windows in the next register block: four, or two or one for the rest. */
  private static int blockSize(int left) {
    return left >= BLOCK ? BLOCK : left >= 2 ? 2 : 1;
  }

  /** {@link #accumulate4}, {@code accumulate2} or {@link #accumulate1} for {@code windows}. */
  private static void accumulate(
      int windows,
      float[] w,
      int wp,
      float[] x,
      int x0,
      int xStride,
      int count,
      float[] init,
      int i0,
      int initStride,
      float[] z) {
    if (windows == BLOCK) {
      accumulate4(w, wp, x, x0, xStride, count, init, i0, initStride, z);
    } else if (windows == 2) {
      accumulate2(w, wp, x, x0, xStride, count, init, i0, initStride, z);
    } else {
      accumulate1(w, wp, x, x0, xStride, count, init, i0, initStride, z);
    }
  }

  /**
   * Gate sums of four windows for one group of units, in 16 accumulators: {@code z[r][q] = init[i0
   * + r · initStride + q · LANES] + Σ_k w[wp + 4 · LANES · k + q · LANES] · x[x0 + r · xStride +
   * k]} for {@code k < count}. Two inputs per pass: eight weight vectors and 32 FMAs per iteration
   * (about 5% faster than one input per pass, which C2 does not unroll here).
   */
  private static void accumulate4(
      float[] w,
      int wp,
      float[] x,
      int x0,
      int xStride,
      int count,
      float[] init,
      int i0,
      int initStride,
      float[] z) {
    int i1 = i0 + initStride;
    int i2 = i1 + initStride;
    int i3 = i2 + initStride;
    FloatVector g0 = FloatVector.fromArray(SPECIES, init, i0);
    FloatVector f0 = FloatVector.fromArray(SPECIES, init, i0 + 1 * LANES);
    FloatVector o0 = FloatVector.fromArray(SPECIES, init, i0 + 2 * LANES);
    FloatVector n0 = FloatVector.fromArray(SPECIES, init, i0 + 3 * LANES);
    FloatVector g1 = FloatVector.fromArray(SPECIES, init, i1);
    FloatVector f1 = FloatVector.fromArray(SPECIES, init, i1 + 1 * LANES);
    FloatVector o1 = FloatVector.fromArray(SPECIES, init, i1 + 2 * LANES);
    FloatVector n1 = FloatVector.fromArray(SPECIES, init, i1 + 3 * LANES);
    FloatVector g2 = FloatVector.fromArray(SPECIES, init, i2);
    FloatVector f2 = FloatVector.fromArray(SPECIES, init, i2 + 1 * LANES);
    FloatVector o2 = FloatVector.fromArray(SPECIES, init, i2 + 2 * LANES);
    FloatVector n2 = FloatVector.fromArray(SPECIES, init, i2 + 3 * LANES);
    FloatVector g3 = FloatVector.fromArray(SPECIES, init, i3);
    FloatVector f3 = FloatVector.fromArray(SPECIES, init, i3 + 1 * LANES);
    FloatVector o3 = FloatVector.fromArray(SPECIES, init, i3 + 2 * LANES);
    FloatVector n3 = FloatVector.fromArray(SPECIES, init, i3 + 3 * LANES);
    int x1 = x0 + xStride;
    int x2 = x1 + xStride;
    int x3 = x2 + xStride;
    int p = wp;
    int k = 0;
    for (; k + 1 < count; k += 2, p += 8 * LANES) {
      FloatVector wg0 = FloatVector.fromArray(SPECIES, w, p + 0 * LANES);
      FloatVector wf0 = FloatVector.fromArray(SPECIES, w, p + 1 * LANES);
      FloatVector wo0 = FloatVector.fromArray(SPECIES, w, p + 2 * LANES);
      FloatVector wi0 = FloatVector.fromArray(SPECIES, w, p + 3 * LANES);
      FloatVector wg1 = FloatVector.fromArray(SPECIES, w, p + 4 * LANES);
      FloatVector wf1 = FloatVector.fromArray(SPECIES, w, p + 5 * LANES);
      FloatVector wo1 = FloatVector.fromArray(SPECIES, w, p + 6 * LANES);
      FloatVector wi1 = FloatVector.fromArray(SPECIES, w, p + 7 * LANES);
      FloatVector a = FloatVector.broadcast(SPECIES, x[x0 + k]);
      g0 = wg0.fma(a, g0);
      f0 = wf0.fma(a, f0);
      o0 = wo0.fma(a, o0);
      n0 = wi0.fma(a, n0);
      a = FloatVector.broadcast(SPECIES, x[x1 + k]);
      g1 = wg0.fma(a, g1);
      f1 = wf0.fma(a, f1);
      o1 = wo0.fma(a, o1);
      n1 = wi0.fma(a, n1);
      a = FloatVector.broadcast(SPECIES, x[x2 + k]);
      g2 = wg0.fma(a, g2);
      f2 = wf0.fma(a, f2);
      o2 = wo0.fma(a, o2);
      n2 = wi0.fma(a, n2);
      a = FloatVector.broadcast(SPECIES, x[x3 + k]);
      g3 = wg0.fma(a, g3);
      f3 = wf0.fma(a, f3);
      o3 = wo0.fma(a, o3);
      n3 = wi0.fma(a, n3);
      a = FloatVector.broadcast(SPECIES, x[x0 + k + 1]);
      g0 = wg1.fma(a, g0);
      f0 = wf1.fma(a, f0);
      o0 = wo1.fma(a, o0);
      n0 = wi1.fma(a, n0);
      a = FloatVector.broadcast(SPECIES, x[x1 + k + 1]);
      g1 = wg1.fma(a, g1);
      f1 = wf1.fma(a, f1);
      o1 = wo1.fma(a, o1);
      n1 = wi1.fma(a, n1);
      a = FloatVector.broadcast(SPECIES, x[x2 + k + 1]);
      g2 = wg1.fma(a, g2);
      f2 = wf1.fma(a, f2);
      o2 = wo1.fma(a, o2);
      n2 = wi1.fma(a, n2);
      a = FloatVector.broadcast(SPECIES, x[x3 + k + 1]);
      g3 = wg1.fma(a, g3);
      f3 = wf1.fma(a, f3);
      o3 = wo1.fma(a, o3);
      n3 = wi1.fma(a, n3);
    }
    if (k < count) {
      FloatVector wg = FloatVector.fromArray(SPECIES, w, p + 0 * LANES);
      FloatVector wf = FloatVector.fromArray(SPECIES, w, p + 1 * LANES);
      FloatVector wo = FloatVector.fromArray(SPECIES, w, p + 2 * LANES);
      FloatVector wi = FloatVector.fromArray(SPECIES, w, p + 3 * LANES);
      FloatVector a = FloatVector.broadcast(SPECIES, x[x0 + k]);
      g0 = wg.fma(a, g0);
      f0 = wf.fma(a, f0);
      o0 = wo.fma(a, o0);
      n0 = wi.fma(a, n0);
      a = FloatVector.broadcast(SPECIES, x[x1 + k]);
      g1 = wg.fma(a, g1);
      f1 = wf.fma(a, f1);
      o1 = wo.fma(a, o1);
      n1 = wi.fma(a, n1);
      a = FloatVector.broadcast(SPECIES, x[x2 + k]);
      g2 = wg.fma(a, g2);
      f2 = wf.fma(a, f2);
      o2 = wo.fma(a, o2);
      n2 = wi.fma(a, n2);
      a = FloatVector.broadcast(SPECIES, x[x3 + k]);
      g3 = wg.fma(a, g3);
      f3 = wf.fma(a, f3);
      o3 = wo.fma(a, o3);
      n3 = wi.fma(a, n3);
    }
    g0.intoArray(z, 0 * LANES);
    f0.intoArray(z, 1 * LANES);
    o0.intoArray(z, 2 * LANES);
    n0.intoArray(z, 3 * LANES);
    g1.intoArray(z, 4 * LANES);
    f1.intoArray(z, 5 * LANES);
    o1.intoArray(z, 6 * LANES);
    n1.intoArray(z, 7 * LANES);
    g2.intoArray(z, 8 * LANES);
    f2.intoArray(z, 9 * LANES);
    o2.intoArray(z, 10 * LANES);
    n2.intoArray(z, 11 * LANES);
    g3.intoArray(z, 12 * LANES);
    f3.intoArray(z, 13 * LANES);
    o3.intoArray(z, 14 * LANES);
    n3.intoArray(z, 15 * LANES);
  }

  /** {@link #accumulate4} for two windows. */
  private static void accumulate2(
      float[] w,
      int wp,
      float[] x,
      int x0,
      int xStride,
      int count,
      float[] init,
      int i0,
      int initStride,
      float[] z) {
    int i1 = i0 + initStride;
    FloatVector g0 = FloatVector.fromArray(SPECIES, init, i0);
    FloatVector f0 = FloatVector.fromArray(SPECIES, init, i0 + 1 * LANES);
    FloatVector o0 = FloatVector.fromArray(SPECIES, init, i0 + 2 * LANES);
    FloatVector n0 = FloatVector.fromArray(SPECIES, init, i0 + 3 * LANES);
    FloatVector g1 = FloatVector.fromArray(SPECIES, init, i1);
    FloatVector f1 = FloatVector.fromArray(SPECIES, init, i1 + 1 * LANES);
    FloatVector o1 = FloatVector.fromArray(SPECIES, init, i1 + 2 * LANES);
    FloatVector n1 = FloatVector.fromArray(SPECIES, init, i1 + 3 * LANES);
    int x1 = x0 + xStride;
    int p = wp;
    int k = 0;
    for (; k + 1 < count; k += 2, p += 8 * LANES) {
      FloatVector wg0 = FloatVector.fromArray(SPECIES, w, p + 0 * LANES);
      FloatVector wf0 = FloatVector.fromArray(SPECIES, w, p + 1 * LANES);
      FloatVector wo0 = FloatVector.fromArray(SPECIES, w, p + 2 * LANES);
      FloatVector wi0 = FloatVector.fromArray(SPECIES, w, p + 3 * LANES);
      FloatVector wg1 = FloatVector.fromArray(SPECIES, w, p + 4 * LANES);
      FloatVector wf1 = FloatVector.fromArray(SPECIES, w, p + 5 * LANES);
      FloatVector wo1 = FloatVector.fromArray(SPECIES, w, p + 6 * LANES);
      FloatVector wi1 = FloatVector.fromArray(SPECIES, w, p + 7 * LANES);
      FloatVector a = FloatVector.broadcast(SPECIES, x[x0 + k]);
      g0 = wg0.fma(a, g0);
      f0 = wf0.fma(a, f0);
      o0 = wo0.fma(a, o0);
      n0 = wi0.fma(a, n0);
      a = FloatVector.broadcast(SPECIES, x[x1 + k]);
      g1 = wg0.fma(a, g1);
      f1 = wf0.fma(a, f1);
      o1 = wo0.fma(a, o1);
      n1 = wi0.fma(a, n1);
      a = FloatVector.broadcast(SPECIES, x[x0 + k + 1]);
      g0 = wg1.fma(a, g0);
      f0 = wf1.fma(a, f0);
      o0 = wo1.fma(a, o0);
      n0 = wi1.fma(a, n0);
      a = FloatVector.broadcast(SPECIES, x[x1 + k + 1]);
      g1 = wg1.fma(a, g1);
      f1 = wf1.fma(a, f1);
      o1 = wo1.fma(a, o1);
      n1 = wi1.fma(a, n1);
    }
    if (k < count) {
      FloatVector wg = FloatVector.fromArray(SPECIES, w, p + 0 * LANES);
      FloatVector wf = FloatVector.fromArray(SPECIES, w, p + 1 * LANES);
      FloatVector wo = FloatVector.fromArray(SPECIES, w, p + 2 * LANES);
      FloatVector wi = FloatVector.fromArray(SPECIES, w, p + 3 * LANES);
      FloatVector a = FloatVector.broadcast(SPECIES, x[x0 + k]);
      g0 = wg.fma(a, g0);
      f0 = wf.fma(a, f0);
      o0 = wo.fma(a, o0);
      n0 = wi.fma(a, n0);
      a = FloatVector.broadcast(SPECIES, x[x1 + k]);
      g1 = wg.fma(a, g1);
      f1 = wf.fma(a, f1);
      o1 = wo.fma(a, o1);
      n1 = wi.fma(a, n1);
    }
    g0.intoArray(z, 0 * LANES);
    f0.intoArray(z, 1 * LANES);
    o0.intoArray(z, 2 * LANES);
    n0.intoArray(z, 3 * LANES);
    g1.intoArray(z, 4 * LANES);
    f1.intoArray(z, 5 * LANES);
    o1.intoArray(z, 6 * LANES);
    n1.intoArray(z, 7 * LANES);
  }

  /** {@link #accumulate4} for one window. */
  private static void accumulate1(
      float[] w,
      int wp,
      float[] x,
      int x0,
      int xStride,
      int count,
      float[] init,
      int i0,
      int initStride,
      float[] z) {
    FloatVector g = FloatVector.fromArray(SPECIES, init, i0);
    FloatVector f = FloatVector.fromArray(SPECIES, init, i0 + LANES);
    FloatVector o = FloatVector.fromArray(SPECIES, init, i0 + 2 * LANES);
    FloatVector i = FloatVector.fromArray(SPECIES, init, i0 + 3 * LANES);
    int p = wp;
    for (int k = 0; k < count; k++, p += 4 * LANES) {
      FloatVector a = FloatVector.broadcast(SPECIES, x[x0 + k]);
      g = FloatVector.fromArray(SPECIES, w, p).fma(a, g);
      f = FloatVector.fromArray(SPECIES, w, p + LANES).fma(a, f);
      o = FloatVector.fromArray(SPECIES, w, p + 2 * LANES).fma(a, o);
      i = FloatVector.fromArray(SPECIES, w, p + 3 * LANES).fma(a, i);
    }
    g.intoArray(z, 0);
    f.intoArray(z, LANES);
    o.intoArray(z, 2 * LANES);
    i.intoArray(z, 3 * LANES);
  }

  /**
   * Activates the gate sums of {@code windows} windows in place: the cell activation on g, the
   * sigmoid on f, o and i. With tanh both are one expression, {@code a · tanh(a · x) + (1 - a)}
   * with a = 1 for g and 1/2 for the gates (the sigmoid of {@link LstmMath}).
   *
   * <p>tanh is {@link LstmMath#tanh} operation for operation (written out here and in {@link
   * #update}, see the class comment), except that the clamp is a compare and blend per side: C2
   * (Java 17) expands {@code min}/{@code max}, which follow {@link Math#min}'s rules for NaN and
   * -0.0, into a longer sequence, and the kernel was about 10% faster without it. A NaN compares
   * false and so still comes out as NaN.
   */
  private static void activate(float[] z, int windows, boolean relu) {
    int vectors = 4 * windows;
    for (int v = 0; v < vectors; v++) {
      int at = v * LANES;
      FloatVector x = FloatVector.fromArray(SPECIES, z, at);
      boolean cellInput = (v & 3) == 0;
      if (relu && cellInput) {
        x.max(0f).intoArray(z, at);
      } else {
        float a = cellInput ? 1f : 0.5f;
        // tanh(a · x) as in LstmMath.tanh
        FloatVector t = x.mul(a);
        t = t.blend(TANH_CLAMP, t.compare(VectorOperators.GT, TANH_CLAMP));
        t = t.blend(-TANH_CLAMP, t.compare(VectorOperators.LT, -TANH_CLAMP));
        FloatVector t2 = t.mul(t);
        FloatVector p = t2.fma(P13, P11);
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P9));
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P7));
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P5));
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P3));
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P1));
        FloatVector q = t2.fma(Q6, Q4);
        q = q.fma(t2, FloatVector.broadcast(SPECIES, Q2));
        q = q.fma(t2, FloatVector.broadcast(SPECIES, Q0));
        t.mul(p).div(q).fma(a, 1f - a).intoArray(z, at);
      }
    }
  }

  /**
   * The cell update on activated gates of {@code windows} windows: {@code c = f·c + i·g} (on the
   * first step the previous c is zero), {@code h = o·act(c)}.
   */
  private static void update(
      float[] z,
      int windows,
      float[] c,
      int c0,
      int cStride,
      float[] h,
      int h0,
      int hStride,
      boolean first,
      boolean relu) {
    for (int r = 0; r < windows; r++) {
      int at = r * 4 * LANES;
      int co = c0 + r * cStride;
      FloatVector g = FloatVector.fromArray(SPECIES, z, at);
      FloatVector i = FloatVector.fromArray(SPECIES, z, at + 3 * LANES);
      FloatVector cell = i.mul(g);
      if (!first) {
        FloatVector f = FloatVector.fromArray(SPECIES, z, at + LANES);
        cell = f.mul(FloatVector.fromArray(SPECIES, c, co)).add(cell);
      }
      cell.intoArray(c, co);
      FloatVector act;
      if (relu) {
        act = cell.max(0f);
      } else {
        // tanh(cell) as in LstmMath.tanh
        FloatVector t = cell;
        t = t.blend(TANH_CLAMP, t.compare(VectorOperators.GT, TANH_CLAMP));
        t = t.blend(-TANH_CLAMP, t.compare(VectorOperators.LT, -TANH_CLAMP));
        FloatVector t2 = t.mul(t);
        FloatVector p = t2.fma(P13, P11);
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P9));
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P7));
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P5));
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P3));
        p = p.fma(t2, FloatVector.broadcast(SPECIES, P1));
        FloatVector q = t2.fma(Q6, Q4);
        q = q.fma(t2, FloatVector.broadcast(SPECIES, Q2));
        q = q.fma(t2, FloatVector.broadcast(SPECIES, Q0));
        act = t.mul(p).div(q);
      }
      FloatVector o = FloatVector.fromArray(SPECIES, z, at + 2 * LANES);
      o.mul(act).intoArray(h, h0 + r * hStride);
    }
  }
}
