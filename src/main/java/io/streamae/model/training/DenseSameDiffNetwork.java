package io.streamae.model.training;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.NamedArray;
import io.streamae.model.inference.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierUniformInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * Dense autoencoder over the flattened window, trained with SameDiff; with tied weights each
 * decoder layer multiplies by the transpose of its encoder twin, so both share one variable.
 */
final class DenseSameDiffNetwork implements TrainableNetwork {
  private static final String INPUT = "input";
  private static final String LABEL = "label";
  private static final String LOSS = "loss";

  private final AutoencoderSpec spec;
  private final SameDiff sd;
  private final List<String> variables = new ArrayList<>();
  private final int width;

  DenseSameDiffNetwork(AutoencoderSpec spec, TrainingOptions options) {
    this.spec = spec;
    this.width = spec.timesteps() * spec.features();
    Nd4j.getRandom().setSeed(options.seed());
    sd = SameDiff.create();
    SDVariable input = sd.placeHolder(INPUT, DataType.FLOAT, -1, width);
    SDVariable label = sd.placeHolder(LABEL, DataType.FLOAT, -1, width);
    List<SDVariable> encoderWeights = new ArrayList<>();
    SDVariable x = input;
    int nIn = width;
    List<Integer> sizes = spec.layers();
    for (int i = 0; i < sizes.size(); i++) {
      String name = AutoencoderNetwork.denseEncoder(i);
      SDVariable w = weight(name + "/W", nIn, sizes.get(i));
      SDVariable b = bias(name + "/b", sizes.get(i));
      encoderWeights.add(w);
      x = activate(x.mmul(w).add(b));
      nIn = sizes.get(i);
    }
    for (int j = 0; j < sizes.size(); j++) {
      int mirror = sizes.size() - 1 - j;
      int nOut = mirror == 0 ? width : sizes.get(mirror - 1);
      String name = AutoencoderNetwork.denseDecoder(j);
      SDVariable b = bias(name + "/b", nOut);
      SDVariable product =
          spec.tiedWeights()
              ? x.mmul(
                  name + "/tied",
                  encoderWeights.get(mirror),
                  MMulTranspose.builder().transposeB(true).build())
              : x.mmul(weight(name + "/W", nIn, nOut));
      x = product.add(b);
      if (j < sizes.size() - 1) {
        x = activate(x);
      }
      nIn = nOut;
    }
    SDVariable loss = sd.loss().meanSquaredError(LOSS, label, x, null);
    sd.setLossVariables(loss);
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(
                new Adam(
                    options.optimizer().learningRate(),
                    options.optimizer().beta1(),
                    options.optimizer().beta2(),
                    options.optimizer().epsilon()))
            .dataSetFeatureMapping(INPUT)
            .dataSetLabelMapping(LABEL)
            .build());
  }

  private SDVariable weight(String name, int nIn, int nOut) {
    variables.add(name);
    return sd.var(name, new XavierUniformInitScheme('c', nIn, nOut), DataType.FLOAT, nIn, nOut);
  }

  private SDVariable bias(String name, int n) {
    variables.add(name);
    return sd.var(name, new ZeroInitScheme('c'), DataType.FLOAT, 1, n);
  }

  private SDVariable activate(SDVariable x) {
    return spec.activation() == CellActivation.RELU ? sd.nn().relu(x, 0) : sd.math().tanh(x);
  }

  @Override
  public double fit(float[] inputs, float[] targets, float[] futures, int batch) {
    double before = reconstructionLoss(inputs, targets, batch);
    sd.fit(
        new MultiDataSet(
            new INDArray[] {flat(inputs, batch)}, new INDArray[] {flat(targets, batch)}));
    return before;
  }

  @Override
  public double loss(float[] inputs, float[] futures, int batch) {
    return reconstructionLoss(inputs, inputs, batch);
  }

  private double reconstructionLoss(float[] inputs, float[] targets, int batch) {
    Map<String, INDArray> out =
        sd.output(Map.of(INPUT, flat(inputs, batch), LABEL, flat(targets, batch)), LOSS);
    return out.get(LOSS).getDouble(0);
  }

  private INDArray flat(float[] values, int batch) {
    float[] copy = new float[batch * width];
    System.arraycopy(values, 0, copy, 0, copy.length);
    return Nd4j.create(copy, new long[] {batch, width}, 'c');
  }

  @Override
  public ParameterSet parameters() {
    ParameterSet set = new ParameterSet();
    for (String name : variables) {
      INDArray arr = sd.getVariable(name).getArr();
      long[] shape = arr.shape();
      set.add(
          new NamedArray(
              name,
              new int[] {(int) shape[0], (int) shape[1]},
              arr.dup('c').castTo(DataType.FLOAT).data().asFloat()));
    }
    return set;
  }

  @Override
  public void restore(ParameterSet parameters) {
    for (String name : variables) {
      INDArray arr = sd.getVariable(name).getArr();
      long[] shape = arr.shape();
      NamedArray source = parameters.require(name, (int) shape[0], (int) shape[1]);
      arr.assign(Nd4j.create(source.data(), shape, 'c'));
    }
  }
}
