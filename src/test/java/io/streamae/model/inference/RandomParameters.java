package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.LayerNames;
import java.util.List;
import java.util.Random;

/** Random but valid parameters for an LSTM spec, without building a DL4J graph. */
final class RandomParameters {
  private RandomParameters() {}

  static ParameterSet of(AutoencoderSpec spec, long seed) {
    Random random = new Random(seed);
    ParameterSet set = new ParameterSet();
    int nIn = spec.features();
    for (int i = 0; i < spec.layers().size(); i++) {
      int h = spec.layers().get(i);
      lstm(set, LayerNames.encoderLayer(i), nIn, h, random);
      nIn = h;
    }
    for (String head : LayerNames.heads(spec)) {
      int in = nIn;
      List<Integer> sizes = LayerNames.decoderSizes(spec);
      for (int i = 0; i < sizes.size(); i++) {
        lstm(set, LayerNames.decoderLayer(head, i), in, sizes.get(i), random);
        in = sizes.get(i);
      }
      String out = LayerNames.outputLayer(head);
      set.add(
          new NamedArray(
              out + "/W", new int[] {in, spec.features()}, values(in * spec.features(), random)));
      set.add(
          new NamedArray(
              out + "/b", new int[] {1, spec.features()}, values(spec.features(), random)));
    }
    return set;
  }

  private static void lstm(ParameterSet set, String name, int nIn, int h, Random random) {
    set.add(new NamedArray(name + "/W", new int[] {nIn, 4 * h}, values(nIn * 4 * h, random)));
    set.add(new NamedArray(name + "/RW", new int[] {h, 4 * h}, values(h * 4 * h, random)));
    set.add(new NamedArray(name + "/b", new int[] {1, 4 * h}, values(4 * h, random)));
  }

  private static float[] values(int n, Random random) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * 0.3);
    }
    return v;
  }
}
