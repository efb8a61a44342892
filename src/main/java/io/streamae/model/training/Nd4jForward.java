package io.streamae.model.training;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.BatchInference;
import io.streamae.model.inference.ForwardKernel;
import io.streamae.model.inference.ForwardPath;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The forward pass as ND4J operations on a whole batch, kept to compare against the Java kernels on
 * other hardware ({@code bench --paths ND4J}); {@link ForwardPath#AUTO} does not use it because it
 * was slower at every batch size measured (see {@link BatchInference}).
 *
 * <p>Layout is time-major: step {@code t} of all windows is the contiguous row block {@code [t·B,
 * (t+1)·B)} of a {@code [steps·B, ·]} matrix, {@code B = maxBatch} (every call computes all B rows;
 * rows beyond {@code n} are ignored). Per layer the input projection of all steps is one GEMM
 * {@code [steps·B, nIn] × [nIn, 4H]} plus the bias; per step one GEMM adds {@code h_{t-1} RW} into
 * the step's block, one sigmoid covers the three gates (DL4J's column order {@code [g | f, o, i]}
 * already makes them one column range), and five element-wise ops update {@code c} and {@code h}. A
 * decoder's first layer copies the once-computed projection of the encoding into each step's block.
 * The output layer is one GEMM over {@code [steps·B, H] × [H, F]}. All arrays and views are created
 * in the constructor, yet ND4J's op execution still allocates per call: 215 KB of Java heap per
 * call of 256 windows (tiny model), and the process grew by 155 MB over a million windows. Not
 * allocation-free, which rules it out for scoring as much as its speed does.
 */
public final class Nd4jForward implements ForwardKernel {
  private final AutoencoderSpec spec;
  private final boolean relu;
  private final int batch;
  private final float[] inputStage;
  private final INDArray input;
  private final Layer[] encoder;
  private final Head reconstruction;
  private final Head prediction;

  /** One LSTM layer over a fixed number of steps with its preallocated buffers and views. */
  private static final class Layer {
    final int hidden;
    final INDArray w;
    final INDArray rw;
    final INDArray b;
    final INDArray z;
    final INDArray h;
    final INDArray c;
    final INDArray tmp;
    final INDArray[] zStep;
    final INDArray[] gStep;
    final INDArray[] sigmoidStep;
    final INDArray[] fStep;
    final INDArray[] oStep;
    final INDArray[] iStep;
    final INDArray[] hStep;

    Layer(AutoencoderNetwork.Lstm weights, int steps, int batch) {
      this.hidden = weights.hidden();
      int g4 = 4 * hidden;
      this.w = matrix(weights.w(), weights.nIn(), g4);
      this.rw = matrix(weights.rw(), hidden, g4);
      this.b = Nd4j.create(weights.b().clone(), new long[] {1, g4}, DataType.FLOAT);
      this.z = Nd4j.create(DataType.FLOAT, (long) steps * batch, g4);
      this.h = Nd4j.create(DataType.FLOAT, (long) steps * batch, hidden);
      this.c = Nd4j.create(DataType.FLOAT, batch, hidden);
      this.tmp = Nd4j.create(DataType.FLOAT, batch, hidden);
      zStep = new INDArray[steps];
      gStep = new INDArray[steps];
      sigmoidStep = new INDArray[steps];
      fStep = new INDArray[steps];
      oStep = new INDArray[steps];
      iStep = new INDArray[steps];
      hStep = new INDArray[steps];
      for (int t = 0; t < steps; t++) {
        var rows = NDArrayIndex.interval((long) t * batch, (long) (t + 1) * batch);
        zStep[t] = z.get(rows, NDArrayIndex.all());
        gStep[t] = zStep[t].get(NDArrayIndex.all(), NDArrayIndex.interval(0, hidden));
        sigmoidStep[t] = zStep[t].get(NDArrayIndex.all(), NDArrayIndex.interval(hidden, g4));
        fStep[t] = zStep[t].get(NDArrayIndex.all(), NDArrayIndex.interval(hidden, 2 * hidden));
        oStep[t] = zStep[t].get(NDArrayIndex.all(), NDArrayIndex.interval(2 * hidden, 3 * hidden));
        iStep[t] = zStep[t].get(NDArrayIndex.all(), NDArrayIndex.interval(3 * hidden, g4));
        hStep[t] = h.get(rows, NDArrayIndex.all());
      }
    }
  }

  /** A decoder head: layers, the repeated input's projection, the output layer. */
  private static final class Head {
    final int steps;
    final int features;
    final Layer[] layers;
    final INDArray projection;
    final INDArray outW;
    final INDArray outB;
    final INDArray y;
    final float[] yStage;

    Head(AutoencoderNetwork.Head weights, int batch) {
      AutoencoderNetwork.Dense output = weights.output();
      this.steps = weights.steps();
      this.features = output.nOut();
      this.layers = new Layer[weights.layers().length];
      for (int l = 0; l < layers.length; l++) {
        layers[l] = new Layer(weights.layers()[l], steps, batch);
      }
      this.projection = Nd4j.create(DataType.FLOAT, batch, 4L * layers[0].hidden);
      this.outW = matrix(output.w(), output.nIn(), features);
      this.outB = Nd4j.create(output.b().clone(), new long[] {1, features}, DataType.FLOAT);
      this.y = Nd4j.create(DataType.FLOAT, (long) steps * batch, features);
      this.yStage = new float[steps * batch * features];
    }
  }

  /**
   * A {@link BatchInference} that runs this kernel, for {@code bench --paths ND4J} and the equality
   * tests; scoring never does.
   */
  public static BatchInference batchInference(AutoencoderNetwork network, int maxBatch) {
    return BatchInference.withKernel(
        network, maxBatch, ForwardPath.ND4J, new Nd4jForward(network, maxBatch));
  }

  Nd4jForward(AutoencoderNetwork network, int maxBatch) {
    ComputeThreads.limitToCallingThread();
    this.spec = network.spec();
    this.relu = spec.activation() == CellActivation.RELU;
    this.batch = maxBatch;
    int steps = spec.timesteps();
    this.inputStage = new float[steps * maxBatch * spec.features()];
    this.input = Nd4j.create(DataType.FLOAT, (long) steps * maxBatch, spec.features());
    AutoencoderNetwork.Lstm[] weights = network.encoderLayers();
    this.encoder = new Layer[weights.length];
    for (int l = 0; l < weights.length; l++) {
      encoder[l] = new Layer(weights[l], steps, maxBatch);
    }
    this.reconstruction =
        network.reconstructionHead() == null
            ? null
            : new Head(network.reconstructionHead(), maxBatch);
    this.prediction =
        network.predictionHead() == null ? null : new Head(network.predictionHead(), maxBatch);
  }

  @Override
  public void run(float[] windows, int n, float[] reconstructionOut, float[] predictionOut) {
    if (n > batch) {
      throw new IllegalArgumentException(
          String.format("batch of %s windows, this kernel holds at most %s", n, batch));
    }
    int steps = spec.timesteps();
    int features = spec.features();
    // [n, T, F] window-major into [T, B, F] time-major.
    for (int s = 0; s < n; s++) {
      for (int t = 0; t < steps; t++) {
        System.arraycopy(
            windows, (s * steps + t) * features, inputStage, (t * batch + s) * features, features);
      }
    }
    floats(input).put(inputStage);
    INDArray in = input;
    for (Layer layer : encoder) {
      sequence(layer, in, null, steps);
      in = layer.h;
    }
    Layer last = encoder[encoder.length - 1];
    INDArray encoding = last.hStep[steps - 1];
    if (reconstruction != null) {
      decode(reconstruction, encoding, reconstructionOut, n);
    }
    if (prediction != null) {
      decode(prediction, encoding, predictionOut, n);
    }
  }

  private void decode(Head head, INDArray encoding, float[] out, int n) {
    Layer first = head.layers[0];
    Nd4j.gemm(encoding, first.w, head.projection, false, false, 1.0, 0.0);
    head.projection.addiRowVector(first.b);
    sequence(first, null, head.projection, head.steps);
    for (int l = 1; l < head.layers.length; l++) {
      sequence(head.layers[l], head.layers[l - 1].h, null, head.steps);
    }
    Nd4j.gemm(head.layers[head.layers.length - 1].h, head.outW, head.y, false, false, 1.0, 0.0);
    head.y.addiRowVector(head.outB);
    floats(head.y).get(head.yStage);
    int features = head.features;
    for (int s = 0; s < n; s++) {
      for (int t = 0; t < head.steps; t++) {
        System.arraycopy(
            head.yStage,
            (t * batch + s) * features,
            out,
            (s * head.steps + t) * features,
            features);
      }
    }
  }

  /**
   * Runs one layer over all steps: the input is the sequence {@code x [steps·B, nIn]}, or, when
   * {@code repeated} is given, its projection {@code [B, 4H]} (bias included) at every step.
   */
  private void sequence(Layer layer, INDArray x, INDArray repeated, int steps) {
    if (repeated == null) {
      Nd4j.gemm(x, layer.w, layer.z, false, false, 1.0, 0.0);
      layer.z.addiRowVector(layer.b);
    }
    for (int t = 0; t < steps; t++) {
      INDArray z = layer.zStep[t];
      if (repeated != null) {
        z.assign(repeated);
      }
      if (t > 0) {
        Nd4j.gemm(layer.hStep[t - 1], layer.rw, z, false, false, 1.0, 1.0);
      }
      Nd4j.getExecutioner().exec(new Sigmoid(layer.sigmoidStep[t], layer.sigmoidStep[t]));
      INDArray g = layer.gStep[t];
      if (relu) {
        Transforms.relu(g, false);
      } else {
        Nd4j.getExecutioner().exec(new Tanh(g, g));
      }
      if (t == 0) {
        layer.iStep[t].mul(g, layer.c);
      } else {
        layer.c.muli(layer.fStep[t]);
        layer.iStep[t].mul(g, layer.tmp);
        layer.c.addi(layer.tmp);
      }
      if (relu) {
        layer.tmp.assign(layer.c);
        Transforms.relu(layer.tmp, false);
      } else {
        Nd4j.getExecutioner().exec(new Tanh(layer.c, layer.tmp));
      }
      layer.oStep[t].mul(layer.tmp, layer.hStep[t]);
    }
  }

  private static INDArray matrix(float[] rowMajor, int r, int c) {
    return Nd4j.create(rowMajor.clone(), new long[] {r, c}, DataType.FLOAT);
  }

  /** The native buffer of a non-view FLOAT array, for bulk copies without a Java array. */
  private static FloatPointer floats(INDArray array) {
    return (FloatPointer) array.data().pointer();
  }
}
