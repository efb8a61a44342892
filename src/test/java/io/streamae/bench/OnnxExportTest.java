package io.streamae.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import io.streamae.model.inference.AutoencoderNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ONNX export runs on ONNX Runtime to the same outputs as the Java reference forward pass, so
 * the bench compares the kernels with ONNX Runtime on the same network.
 */
class OnnxExportTest {
  @ParameterizedTest
  @ValueSource(strings = {"A", "B"})
  void onnxRuntimeMatchesTheReferenceForward(String name) {
    ModelBenchmark.Config config = name.equals("A") ? ModelBenchmark.A : ModelBenchmark.B;
    assertMatches(ModelBenchmark.randomNetwork(config.spec(), 11), name);
  }

  @Test
  void stackedReluLayersMatchToo() {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(12, 3, 4, List.of(24, 12), CellActivation.RELU, ModelMode.COMPOSITE);
    assertMatches(ModelBenchmark.randomNetwork(spec, 5), "two ReLU layers");
  }

  private static void assertMatches(AutoencoderNetwork network, String name) {
    AutoencoderSpec spec = network.spec();
    int batch = 5;
    int size = spec.timesteps() * spec.features();
    int predSize = spec.horizon() * spec.features();
    Random random = new Random(42);
    float[] windows = new float[batch * size];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) random.nextGaussian();
    }
    float[] reconstruction = new float[batch * size];
    float[] prediction = new float[batch * predSize];
    AutoencoderNetwork.Workspace ws = network.newWorkspace();
    for (int w = 0; w < batch; w++) {
      network.forward(windows, w * size, reconstruction, w * size, prediction, w * predSize, ws);
    }

    try (OnnxPath onnx = new OnnxPath(network, batch, 1)) {
      onnx.run(windows, batch);
      assertClose(reconstruction, onnx.reconstruction(), "reconstruction, config " + name);
      assertClose(prediction, onnx.prediction(), "prediction, config " + name);
      // A smaller batch through the same session: the batch dimension is dynamic.
      onnx.run(windows, 2);
      for (int i = 0; i < 2 * size; i++) {
        assertEquals(reconstruction[i], onnx.reconstruction()[i], 1e-4, "batch 2, index " + i);
      }
    }
  }

  @Test
  void writesAModelFile(@TempDir Path dir) throws Exception {
    AutoencoderNetwork network = ModelBenchmark.randomNetwork(ModelBenchmark.B.spec(), 3);
    Path file = OnnxExport.write(network, dir.resolve("b.onnx"));
    byte[] bytes = Files.readAllBytes(file);
    // ModelProto field 1 (ir_version) comes first, and the weights are all there as raw floats.
    assertEquals(0x08, bytes[0]);
    assertTrue(bytes.length > 4 * network.parameters().parameterCount(), "size " + bytes.length);
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    double maxDiff = 0;
    double maxAbs = 0;
    for (int i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
      maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
    }
    assertTrue(
        maxAbs > 1e-3, what + ": outputs are all near zero, the comparison would say nothing");
    assertTrue(maxDiff <= 1e-4, what + ": max difference " + maxDiff);
  }
}
