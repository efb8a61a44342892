package io.streamae.model.training;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.LayerNames;
import io.streamae.model.inference.NamedArray;
import io.streamae.model.inference.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Moves parameters between a DL4J graph and a {@link ParameterSet} under stable names. */
public final class Dl4jParameters {
  private Dl4jParameters() {}

  /** Layer names holding parameters, in a stable order. */
  public static List<String> layerNames(AutoencoderSpec spec) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < spec.layers().size(); i++) {
      names.add(LayerNames.encoderLayer(i));
    }
    for (String head : LayerNames.heads(spec)) {
      for (int i = 0; i < spec.layers().size(); i++) {
        names.add(LayerNames.decoderLayer(head, i));
      }
      names.add(LayerNames.outputLayer(head));
    }
    return names;
  }

  /** Copies the graph's parameters out, row-major. */
  public static ParameterSet extract(ComputationGraph graph, AutoencoderSpec spec) {
    ParameterSet set = new ParameterSet();
    for (String layerName : layerNames(spec)) {
      Layer layer = graph.getLayer(layerName);
      for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
        INDArray value = e.getValue();
        int[] intShape = canonicalShape(value.shape());
        float[] data = value.dup('c').castTo(DataType.FLOAT).data().asFloat();
        set.add(new NamedArray(layerName + "/" + e.getKey(), intShape, data));
      }
    }
    return set;
  }

  /** Writes the parameters into a graph built from the same spec. */
  public static void apply(ParameterSet parameters, ComputationGraph graph, AutoencoderSpec spec) {
    for (String layerName : layerNames(spec)) {
      Layer layer = graph.getLayer(layerName);
      for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
        INDArray target = e.getValue();
        NamedArray source =
            parameters.require(layerName + "/" + e.getKey(), canonicalShape(target.shape()));
        target.assign(Nd4j.create(source.data(), target.shape(), 'c'));
      }
    }
  }

  /** Bias vectors are stored as {@code [1, n]} whatever rank DL4J gives them. */
  private static int[] canonicalShape(long[] shape) {
    if (shape.length == 1) {
      return new int[] {1, Math.toIntExact(shape[0])};
    }
    int[] out = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = Math.toIntExact(shape[i]);
    }
    return out;
  }
}
