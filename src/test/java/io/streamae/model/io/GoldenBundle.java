package io.streamae.model.io;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.LayerNames;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.NamedArray;
import io.streamae.model.inference.ParameterSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the golden bundle in {@code src/test/resources/model/v1/}: a tiny composite LSTM with
 * fixed parameters. Run once per format version; the file is then never rewritten, so any change in
 * how bundles are read or windows are scored shows up in {@code ModelBundleGoldenTest}.
 */
public final class GoldenBundle {
  public static final AutoencoderSpec SPEC =
      AutoencoderSpec.lstm(4, 2, 1, List.of(3), CellActivation.TANH, ModelMode.COMPOSITE);

  private GoldenBundle() {}

  public static void main(String[] args) throws Exception {
    bundle().write(Path.of(args.length > 0 ? args[0] : "src/test/resources/model/v1/golden.sae"));
  }

  static ModelBundle bundle() {
    ParameterSet p = new ParameterSet();
    int[] counter = {0};
    lstm(p, LayerNames.encoderLayer(0), 2, 3, counter);
    for (String head : List.of(LayerNames.RECONSTRUCTION, LayerNames.PREDICTION)) {
      lstm(p, LayerNames.decoderLayer(head, 0), 3, 3, counter);
      String out = LayerNames.outputLayer(head);
      p.add(new NamedArray(out + "/W", new int[] {3, 2}, values(6, counter)));
      p.add(new NamedArray(out + "/b", new int[] {1, 2}, values(2, counter)));
    }
    ModelMetadata metadata =
        new ModelMetadata(
            ModelBundle.FORMAT_VERSION,
            "golden",
            "1",
            "2026-11-27T00:00:00Z",
            SPEC,
            List.of("temp", "current"),
            new ModelMetadata.Normalization(new double[] {50, 10}, new double[] {5, 2}),
            new ModelMetadata.Calibration(
                "percentile",
                99.0,
                "reconstruction",
                0.5,
                new ModelMetadata.ErrorSummary(100, 0.1, 0.05, 0.09, 0.2, 0.45, 0.6)),
            new ModelMetadata.Provenance(
                "fixed parameters", "none", 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of()),
            null);
    return ModelBundle.of(metadata, AutoencoderNetwork.of(SPEC, p));
  }

  private static void lstm(ParameterSet p, String name, int nIn, int h, int[] counter) {
    p.add(new NamedArray(name + "/W", new int[] {nIn, 4 * h}, values(nIn * 4 * h, counter)));
    p.add(new NamedArray(name + "/RW", new int[] {h, 4 * h}, values(h * 4 * h, counter)));
    p.add(new NamedArray(name + "/b", new int[] {1, 4 * h}, values(4 * h, counter)));
  }

  /** Deterministic values in [-0.5, 0.5] with no random generator involved. */
  private static float[] values(int n, int[] counter) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (Math.sin(++counter[0] * 1.7) * 0.5);
    }
    return v;
  }
}
