package io.streamae.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.ForwardPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's ONNX Runtime points run through the same loop as the kernels and yield a ratio. */
class ModelBenchmarkOnnxTest {
  @Test
  void onnxPointsAndRatioLine() throws Exception {
    AutoencoderNetwork network = ModelBenchmark.randomNetwork(ModelBenchmark.B.spec(), 7);
    ModelBenchmark.Point kernel =
        ModelBenchmark.inference(network, "B", 16, 1, 0.2, ForwardPath.LANEWISE);
    ModelBenchmark.Point onnx = ModelBenchmark.onnx(network, "B", 16, 2, 0.2);
    ModelBenchmark.Point sessions = ModelBenchmark.onnxPerThread(network, "B", 16, 2, 0.2);

    assertEquals("onnx", onnx.path());
    assertEquals("onnx_sessions", sessions.path());
    assertTrue(onnx.kernel().startsWith("onnxruntime-"), onnx.kernel());
    assertTrue(onnx.windowsPerSecond() > 0 && sessions.windowsPerSecond() > 0);
    assertTrue(onnx.line().contains(" path=onnx "), onnx.line());

    String ratio = ModelBenchmark.ratio(List.of(kernel, onnx)).orElseThrow();
    assertTrue(ratio.startsWith("bench ratio config=B batch=16 threads=2 lanewise/onnx="), ratio);
    assertTrue(ModelBenchmark.ratio(List.of(kernel)).isEmpty());
  }
}
