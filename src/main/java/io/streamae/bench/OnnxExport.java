package io.streamae.bench;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelKind;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.AutoencoderNetwork.Dense;
import io.streamae.model.inference.AutoencoderNetwork.Head;
import io.streamae.model.inference.AutoencoderNetwork.Lstm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an LSTM autoencoder as an ONNX model (opset 17), so ONNX Runtime can run exactly the
 * network the forward kernels run.
 *
 * <p>The graph: input {@code windows [batch, T, F]} → transpose to {@code [T, batch, F]} → the
 * encoder's LSTM layers → the last hidden state, expanded to {@code steps} copies (the repeat
 * vector) → each head's LSTM layers → transpose back → {@code h W + b}. Outputs {@code
 * reconstruction [batch, T, F]} and {@code prediction [batch, horizon, F]}, as the model has them;
 * the batch dimension is dynamic.
 *
 * <p>DL4J keeps {@code W [nIn, 4H]} with gate columns {@code [g, f, o, i]}; ONNX's LSTM wants
 * {@code W [1, 4H, nIn]} with gate rows {@code [i, o, f, c]} and the bias split into input and
 * recurrent halves (the recurrent half is zero here). A ReLU cell activation becomes the
 * activations {@code Sigmoid, Relu, Relu}.
 *
 * <p>The protobuf wire format is written by hand (varints and length-delimited fields are all
 * ModelProto needs), so the bench needs no protobuf or ONNX library to produce the file.
 */
public final class OnnxExport {
  /** Graph input name. */
  public static final String INPUT = "windows";

  public static final String RECONSTRUCTION = "reconstruction";
  public static final String PREDICTION = "prediction";

  private static final int OPSET = 17;
  private static final int IR_VERSION = 8;
  // TensorProto.DataType
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  // AttributeProto.AttributeType
  private static final int ATTR_INT = 2;
  private static final int ATTR_INTS = 7;
  private static final int ATTR_STRINGS = 8;

  /** ONNX gate order i, o, f, c as indices into DL4J's g, f, o, i. */
  private static final int[] ONNX_GATES = {3, 2, 1, 0};

  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> initializers = new ArrayList<>();
  private final CellActivation activation;
  private int counter;

  private OnnxExport(CellActivation activation) {
    this.activation = activation;
  }

  /** The serialised ModelProto of an LSTM autoencoder. */
  public static byte[] toBytes(AutoencoderNetwork network) {
    AutoencoderSpec spec = network.spec();
    if (spec.kind() != ModelKind.LSTM) {
      throw new IllegalArgumentException("only LSTM autoencoders are exported, not " + spec.kind());
    }
    OnnxExport export = new OnnxExport(spec.activation());
    return export.model(network);
  }

  /** Writes {@link #toBytes} to {@code file}. */
  public static Path write(AutoencoderNetwork network, Path file) throws IOException {
    Files.write(file, toBytes(network));
    return file;
  }

  private byte[] model(AutoencoderNetwork network) {
    AutoencoderSpec spec = network.spec();
    int features = spec.features();
    String x = node("Transpose", List.of(INPUT), ints("perm", 1, 0, 2));
    String squeezeAxes = constant("axis1", new long[] {1}, 1);
    String lastHidden = null;
    for (Lstm layer : network.encoderLayers()) {
      String[] out = lstm(layer, x);
      x = node("Squeeze", List.of(out[0], squeezeAxes));
      lastHidden = out[1];
    }
    List<byte[]> outputs = new ArrayList<>();
    if (network.reconstructionHead() != null) {
      head(network.reconstructionHead(), lastHidden, squeezeAxes, RECONSTRUCTION);
      outputs.add(valueInfo(RECONSTRUCTION, spec.timesteps(), features));
    }
    if (network.predictionHead() != null) {
      head(network.predictionHead(), lastHidden, squeezeAxes, PREDICTION);
      outputs.add(valueInfo(PREDICTION, spec.horizon(), features));
    }
    Proto graph = new Proto();
    for (byte[] n : nodes) {
      graph.bytes(1, n);
    }
    graph.string(2, "streamae-autoencoder");
    for (byte[] t : initializers) {
      graph.bytes(5, t);
    }
    graph.bytes(11, valueInfo(INPUT, spec.timesteps(), features));
    for (byte[] o : outputs) {
      graph.bytes(12, o);
    }
    Proto opset = new Proto().string(1, "").varint(2, OPSET);
    return new Proto()
        .varint(1, IR_VERSION)
        .string(2, "streamae")
        .bytes(7, graph.toBytes())
        .bytes(8, opset.toBytes())
        .toBytes();
  }

  /** A decoder head from the encoder's last hidden state {@code [1, batch, H]}. */
  private void head(Head head, String encoding, String squeezeAxes, String output) {
    String shape = constant("steps", new long[] {head.steps(), 1, 1}, 3);
    String x = node("Expand", List.of(encoding, shape));
    for (Lstm layer : head.layers()) {
      x = node("Squeeze", List.of(lstm(layer, x)[0], squeezeAxes));
    }
    String batchFirst = node("Transpose", List.of(x), ints("perm", 1, 0, 2));
    Dense d = head.output();
    String w = floats("W", d.w(), d.nIn(), d.nOut());
    String b = floats("b", d.b(), d.nOut());
    String product = node("MatMul", List.of(batchFirst, w));
    nodes.add(nodeProto("Add", List.of(product, b), output, List.of()));
  }

  /** One LSTM layer on {@code [steps, batch, nIn]}; returns its outputs Y and Y_h. */
  private String[] lstm(Lstm layer, String input) {
    int h = layer.hidden();
    int g4 = 4 * h;
    int nIn = layer.nIn();
    float[] w = new float[g4 * nIn];
    float[] r = new float[g4 * h];
    float[] b = new float[2 * g4];
    for (int q = 0; q < 4; q++) {
      int src = ONNX_GATES[q];
      for (int j = 0; j < h; j++) {
        int row = q * h + j;
        int column = src * h + j;
        for (int k = 0; k < nIn; k++) {
          w[row * nIn + k] = layer.w()[k * g4 + column];
        }
        for (int k = 0; k < h; k++) {
          r[row * h + k] = layer.rw()[k * g4 + column];
        }
        b[row] = layer.b()[column];
      }
    }
    String wName = floats("W", w, 1, g4, nIn);
    String rName = floats("R", r, 1, g4, h);
    String bName = floats("B", b, 1, 2 * g4);
    String y = fresh("lstm_y");
    String yh = fresh("lstm_h");
    List<byte[]> attributes = new ArrayList<>();
    attributes.add(
        new Proto().string(1, "hidden_size").varint(3, h).varint(20, ATTR_INT).toBytes());
    if (activation == CellActivation.RELU) {
      attributes.add(strings("activations", "Sigmoid", "Relu", "Relu"));
    } else if (activation != CellActivation.TANH) {
      throw new IllegalArgumentException("no ONNX LSTM activation for " + activation);
    }
    Proto node = new Proto();
    node.string(1, input).string(1, wName).string(1, rName).string(1, bName);
    node.string(2, y).string(2, yh);
    node.string(3, fresh("LSTM")).string(4, "LSTM");
    for (byte[] a : attributes) {
      node.bytes(5, a);
    }
    nodes.add(node.toBytes());
    return new String[] {y, yh};
  }

  private String node(String op, List<String> inputs, byte[]... attributes) {
    String out = fresh(op.toLowerCase(java.util.Locale.ROOT));
    nodes.add(nodeProto(op, inputs, out, List.of(attributes)));
    return out;
  }

  private byte[] nodeProto(String op, List<String> inputs, String output, List<byte[]> attributes) {
    Proto node = new Proto();
    for (String in : inputs) {
      node.string(1, in);
    }
    node.string(2, output).string(3, fresh(op)).string(4, op);
    for (byte[] a : attributes) {
      node.bytes(5, a);
    }
    return node.toBytes();
  }

  private static byte[] ints(String name, long... values) {
    Proto a = new Proto().string(1, name);
    for (long v : values) {
      a.varint(8, v);
    }
    return a.varint(20, ATTR_INTS).toBytes();
  }

  private static byte[] strings(String name, String... values) {
    Proto a = new Proto().string(1, name);
    for (String v : values) {
      a.string(9, v);
    }
    return a.varint(20, ATTR_STRINGS).toBytes();
  }

  private String constant(String prefix, long[] values, long length) {
    String name = fresh(prefix);
    ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      raw.putLong(v);
    }
    initializers.add(
        new Proto()
            .varint(1, length)
            .varint(2, INT64)
            .string(8, name)
            .bytes(9, raw.array())
            .toBytes());
    return name;
  }

  private String floats(String prefix, float[] values, long... dims) {
    String name = fresh(prefix);
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);
    }
    initializers.add(t.varint(2, FLOAT).string(8, name).bytes(9, raw.array()).toBytes());
    return name;
  }

  /** ValueInfoProto of a float tensor {@code [batch, steps, features]}, batch symbolic. */
  private static byte[] valueInfo(String name, int steps, int features) {
    Proto shape =
        new Proto()
            .bytes(1, new Proto().string(2, "batch").toBytes())
            .bytes(1, new Proto().varint(1, steps).toBytes())
            .bytes(1, new Proto().varint(1, features).toBytes());
    Proto tensorType = new Proto().varint(1, FLOAT).bytes(2, shape.toBytes());
    Proto type = new Proto().bytes(1, tensorType.toBytes());
    return new Proto().string(1, name).bytes(2, type.toBytes()).toBytes();
  }

  private String fresh(String prefix) {
    return prefix + "_" + counter++;
  }

  /** A protobuf message under construction: varint and length-delimited fields. */
  static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      writeVarint((long) field << 3);
      writeVarint(value);
      return this;
    }

    Proto bytes(int field, byte[] value) {
      writeVarint((long) field << 3 | 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toBytes() {
      return out.toByteArray();
    }

    private void writeVarint(long value) {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
