package io.streamae.model.training;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.LayerNames;
import io.streamae.model.inference.ParameterSet;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LSTM autoencoder trained as a DL4J computation graph (layout {@code [batch, features, time]}).
 *
 * <p>DL4J's score of a time-series output sums the per-step MSE over the steps, so it grows with
 * the window; the losses returned here are divided by the weighted step count of the heads, which
 * makes them the weighted mean squared error per value — the unit of the window errors and of the
 * threshold.
 */
final class LstmGraphNetwork implements TrainableNetwork {
  private final AutoencoderSpec spec;
  private final ComputationGraph graph;
  private final List<String> heads;
  private final double stepsPerScore;

  LstmGraphNetwork(AutoencoderSpec spec, TrainingOptions options) {
    this.spec = spec;
    this.heads = LayerNames.heads(spec);
    double[] weights = new double[heads.size()];
    for (int i = 0; i < heads.size(); i++) {
      weights[i] =
          heads.get(i).equals(LayerNames.RECONSTRUCTION)
              ? options.reconstructionWeight()
              : options.predictionWeight();
    }
    this.graph = AutoencoderGraphFactory.create(spec, options.seed(), options.optimizer(), weights);
    double steps = 0;
    for (int i = 0; i < heads.size(); i++) {
      boolean reconstruction = heads.get(i).equals(LayerNames.RECONSTRUCTION);
      steps += weights[i] * (reconstruction ? spec.timesteps() : spec.horizon());
    }
    this.stepsPerScore = steps > 0 ? steps : 1.0;
  }

  ComputationGraph graph() {
    return graph;
  }

  @Override
  public double fit(float[] inputs, float[] targets, float[] futures, int batch) {
    graph.fit(dataSet(inputs, targets, futures, batch));
    return graph.score() / stepsPerScore;
  }

  @Override
  public double loss(float[] inputs, float[] futures, int batch) {
    return graph.score(dataSet(inputs, inputs, futures, batch), false) / stepsPerScore;
  }

  private MultiDataSet dataSet(float[] inputs, float[] targets, float[] futures, int batch) {
    INDArray features = ncw(inputs, batch, spec.timesteps());
    INDArray[] labels = new INDArray[heads.size()];
    for (int i = 0; i < heads.size(); i++) {
      labels[i] =
          heads.get(i).equals(LayerNames.RECONSTRUCTION)
              ? ncw(targets, batch, spec.timesteps())
              : ncw(futures, batch, spec.horizon());
    }
    return new MultiDataSet(new INDArray[] {features}, labels);
  }

  /** Row-major {@code [b, steps, features]} to DL4J's {@code [b, features, steps]}. */
  private INDArray ncw(float[] src, int batch, int steps) {
    int features = spec.features();
    float[] dst = new float[batch * features * steps];
    for (int s = 0; s < batch; s++) {
      for (int t = 0; t < steps; t++) {
        for (int f = 0; f < features; f++) {
          dst[(s * features + f) * steps + t] = src[(s * steps + t) * features + f];
        }
      }
    }
    return Nd4j.create(dst, new long[] {batch, features, steps}, 'c');
  }

  /** The graph's outputs for row-major windows, as row-major arrays per head. */
  float[][] output(float[] inputs, int batch) {
    INDArray[] out = graph.output(ncw(inputs, batch, spec.timesteps()));
    float[][] result = new float[out.length][];
    for (int i = 0; i < out.length; i++) {
      result[i] = out[i].permute(0, 2, 1).dup('c').data().asFloat();
    }
    return result;
  }

  @Override
  public ParameterSet parameters() {
    return Dl4jParameters.extract(graph, spec);
  }

  @Override
  public void restore(ParameterSet parameters) {
    Dl4jParameters.apply(parameters, graph, spec);
  }
}
