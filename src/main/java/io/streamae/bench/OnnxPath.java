package io.streamae.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.inference.AutoencoderNetwork;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The forward pass of a network on ONNX Runtime (CPU), for comparison with the Java kernels: the
 * network is exported by {@link OnnxExport} and run by one {@link OrtSession} with {@code
 * intraOpThreads} threads inside each operator and one between operators.
 *
 * <p>Each {@link #run} copies the windows into a native tensor, runs the graph and copies both
 * outputs back into Java arrays, as scoring would have to.
 */
public final class OnnxPath implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final AutoencoderSpec spec;
  private final float[] reconstruction;
  private final float[] prediction;
  private final FloatBuffer input;

  public OnnxPath(AutoencoderNetwork network, int maxBatch, int intraOpThreads) {
    this.spec = network.spec();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      this.session = env.createSession(OnnxExport.toBytes(network), options);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime rejected the exported model", e);
    }
    int size = spec.timesteps() * spec.features();
    this.input =
        java.nio.ByteBuffer.allocateDirect(4 * maxBatch * size)
            .order(java.nio.ByteOrder.nativeOrder())
            .asFloatBuffer();
    this.reconstruction = new float[maxBatch * size];
    this.prediction = new float[maxBatch * Math.max(1, spec.horizon()) * spec.features()];
  }

  /** Runs the first {@code n} windows ({@code [n, T, F]} row-major) of {@code windows}. */
  public void run(float[] windows, int n) {
    int size = spec.timesteps() * spec.features();
    input.clear();
    input.put(windows, 0, n * size);
    input.flip();
    long[] shape = {n, spec.timesteps(), spec.features()};
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape);
        OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, tensor))) {
      copy(result, OnnxExport.RECONSTRUCTION, reconstruction);
      copy(result, OnnxExport.PREDICTION, prediction);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of " + n, e);
    }
  }

  private static void copy(OrtSession.Result result, String name, float[] dst) {
    result
        .get(name)
        .ifPresent(
            value -> {
              FloatBuffer values = ((OnnxTensor) value).getFloatBuffer();
              values.get(dst, 0, values.remaining());
            });
  }

  /** Reconstructions of the last {@link #run}, {@code [n, T, F]}. */
  public float[] reconstruction() {
    return reconstruction;
  }

  /** Predictions of the last {@link #run}, {@code [n, horizon, F]}. */
  public float[] prediction() {
    return prediction;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
