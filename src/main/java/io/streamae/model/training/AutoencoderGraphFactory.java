package io.streamae.model.training;

import static io.streamae.model.definition.LayerNames.INPUT;
import static io.streamae.model.definition.LayerNames.RECONSTRUCTION;
import static io.streamae.model.definition.LayerNames.decoderLayer;
import static io.streamae.model.definition.LayerNames.decoderSizes;
import static io.streamae.model.definition.LayerNames.encoderLayer;
import static io.streamae.model.definition.LayerNames.heads;
import static io.streamae.model.definition.LayerNames.outputLayer;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelKind;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Builds the DL4J computation graph of an LSTM autoencoder, used for training.
 *
 * <p>The graph follows the Keras composite example: encoder LSTM layers (the last keeps only its
 * final hidden state), then per head a repeat vector, decoder LSTM layers in mirrored order and a
 * time-distributed dense output. Layer names are stable because model bundles store parameters
 * under them: {@code encoder-<i>}, {@code <head>-lstm-<i>}, {@code <head>-output} with head {@code
 * reconstruction} or {@code prediction}.
 */
public final class AutoencoderGraphFactory {
  private AutoencoderGraphFactory() {}

  /** Hyper-parameters of the optimiser baked into the graph configuration. */
  public record Optimizer(double learningRate, double beta1, double beta2, double epsilon) {
    /** Keras' Adam defaults. */
    public static Optimizer kerasAdam() {
      return new Optimizer(0.001, 0.9, 0.999, 1e-7);
    }
  }

  /**
   * Creates and initialises the graph.
   *
   * @param headWeights loss weight per head, in {@link
   *     io.streamae.model.definition.LayerNames#heads(AutoencoderSpec)} order
   */
  public static ComputationGraph create(
      AutoencoderSpec spec, long seed, Optimizer optimizer, double[] headWeights) {
    if (spec.kind() != ModelKind.LSTM) {
      throw new IllegalArgumentException(
          "graph factory builds LSTM autoencoders, not " + spec.kind());
    }
    Activation activation =
        spec.activation() == CellActivation.RELU ? Activation.RELU : Activation.TANH;
    ComputationGraphConfiguration.GraphBuilder graph =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .dataType(DataType.FLOAT)
            .updater(
                new Adam(
                    optimizer.learningRate(),
                    optimizer.beta1(),
                    optimizer.beta2(),
                    optimizer.epsilon()))
            .weightInit(WeightInit.XAVIER_UNIFORM)
            .graphBuilder()
            .addInputs(INPUT)
            .setInputTypes(InputType.recurrent(spec.features(), spec.timesteps()));

    List<Integer> sizes = spec.layers();
    String previous = INPUT;
    int previousSize = spec.features();
    for (int i = 0; i < sizes.size(); i++) {
      LSTM lstm = lstm(previousSize, sizes.get(i), activation);
      String name = encoderLayer(i);
      if (i == sizes.size() - 1) {
        graph.addLayer(name, new LastTimeStep(lstm), previous);
      } else {
        graph.addLayer(name, lstm, previous);
      }
      previous = name;
      previousSize = sizes.get(i);
    }
    String encoding = previous;
    int encodingSize = previousSize;

    List<String> heads = heads(spec);
    List<String> outputs = new ArrayList<>();
    for (int h = 0; h < heads.size(); h++) {
      String head = heads.get(h);
      int steps = head.equals(RECONSTRUCTION) ? spec.timesteps() : spec.horizon();
      String repeat = head + "-repeat";
      graph.addLayer(repeat, new RepeatVector.Builder(steps).build(), encoding);
      String prev = repeat;
      int prevSize = encodingSize;
      List<Integer> decoder = decoderSizes(spec);
      for (int i = 0; i < decoder.size(); i++) {
        String name = decoderLayer(head, i);
        graph.addLayer(name, lstm(prevSize, decoder.get(i), activation), prev);
        prev = name;
        prevSize = decoder.get(i);
      }
      double weight = headWeights.length > h ? headWeights[h] : 1.0;
      LossMSE loss =
          new LossMSE(Nd4j.valueArrayOf(new long[] {1, spec.features()}, weight, DataType.FLOAT));
      String out = outputLayer(head);
      graph.addLayer(
          out,
          new RnnOutputLayer.Builder(loss)
              .activation(Activation.IDENTITY)
              .nIn(prevSize)
              .nOut(spec.features())
              .build(),
          prev);
      outputs.add(out);
    }
    graph.setOutputs(outputs.toArray(String[]::new));
    ComputationGraph network = new ComputationGraph(graph.build());
    network.init();
    return network;
  }

  private static LSTM lstm(int nIn, int nOut, Activation activation) {
    return new LSTM.Builder()
        .nIn(nIn)
        .nOut(nOut)
        .activation(activation)
        .gateActivationFunction(Activation.SIGMOID)
        .forgetGateBiasInit(1.0)
        .build();
  }
}
