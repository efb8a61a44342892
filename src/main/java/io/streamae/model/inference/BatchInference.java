package io.streamae.model.inference;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.ModelKind;

/**
 * Scores many windows per call with reused buffers: the hot path of the scoring operator.
 *
 * <p>Input is {@code [n, timesteps, features]} row-major. After {@link #run}, the buffers hold the
 * reconstruction {@code [n, timesteps, features]}, the prediction {@code [n, horizon, features]},
 * the per-window per-feature squared reconstruction error (mean over timesteps) {@code [n,
 * features]} and its mean over features per window {@code [n]}. Nothing is allocated per call; an
 * instance is not thread-safe (one per operator subtask).
 *
 * <p><b>Which forward pass.</b> LSTM models run one of two plain-Java kernels, chosen per call by
 * the batch size; dense models run the per-window {@link ReferenceForward}. Config B of the
 * benchmark (T=32 F=8 H=64, composite, horizon 1), one thread, one JVM per point ({@code bench
 * --paths X --batches N --threads 1}), windows/s; 2026-11-28, 2 shared cores with AVX-512, Java 17,
 * {@code OMP_NUM_THREADS=1}, load average 1.7–2.9:
 *
 * <pre>
 *   batch   REFERENCE   SEQUENTIAL   LANEWISE   ND4J
 *       1         893        8,358        898     301
 *      16         876        8,155      5,244   2,141
 *      64         888        8,187      7,895   3,099
 *     128           -        6,008     11,443       -
 *     256         865        7,268     11,852   2,760
 * </pre>
 *
 * Hence: {@link SequentialForward} below 64 windows, {@link LanewiseForward} for full batches of
 * 64 and more (see {@link #LANEWISE_MIN_LANES}, {@link #LANEWISE_MIN_FILL}). {@link Nd4jForward}
 * (GEMMs plus ND4J transforms) lost at every batch size: to per-op overhead at small batches
 * (1–47 µs of CPU per op here, about 570 ops per call for config B) and to its element-wise transforms
 * at large ones (sigmoid 3.5–5 ns per value against about 1 ns in {@link LstmMath}); it also
 * allocates per call. {@link ForwardPath#AUTO} never picks it; it stays for re-measuring on other
 * hardware ({@code bench --paths ND4J}).
 *
 * <p><b>Threads.</b> Both kernels run in the calling thread only: one compute thread per operator
 * subtask, parallelism comes from Flink. They do not touch ND4J, so OpenMP and BLAS pools stay idle
 * while scoring (set {@code OMP_NUM_THREADS=1} for the TaskManager anyway; training and model
 * loading use ND4J, see {@link ComputeThreads}).
 */
public final class BatchInference {
  /**
   * {@link ForwardPath#AUTO} builds a {@link LanewiseForward} only for {@code maxBatch} of at least
   * this many windows; below, {@link SequentialForward} was as fast or faster (table above).
   */
  static final int LANEWISE_MIN_LANES = 64;

  /**
   * ... and runs it for a call of {@code n} windows when {@code n >= LANEWISE_MIN_FILL · maxBatch}.
   * It always computes {@code maxBatch} lanes (see {@link LanewiseForward}), so a partial batch
   * costs as much as a full one; it beats {@link SequentialForward} once about 0.6 (256 lanes) to
   * 0.7 (128 lanes) of them hold windows.
   */
  static final double LANEWISE_MIN_FILL = 0.7;

  private final AutoencoderNetwork network;
  private final ForwardPath path;
  private final AutoencoderNetwork.Workspace workspace;
  private final SequentialForward sequential;
  private final LanewiseForward lanewise;
  private final Nd4jForward nd4j;
  private final int maxBatch;
  private final int lanewiseFrom;
  private final int windowSize;
  private final int predictionSize;
  private final float[] reconstruction;
  private final float[] prediction;
  private final float[] featureErrors;
  private final float[] windowErrors;

  public BatchInference(AutoencoderNetwork network, int maxBatch) {
    this(network, maxBatch, ForwardPath.AUTO);
  }

  /**
   * @param path {@link ForwardPath#AUTO} in production; the others pin one implementation, for
   *     benchmarks and tests
   */
  public BatchInference(AutoencoderNetwork network, int maxBatch, ForwardPath path) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
    }
    AutoencoderSpec spec = network.spec();
    boolean lstm = spec.kind() == ModelKind.LSTM;
    if (!lstm && path != ForwardPath.AUTO && path != ForwardPath.REFERENCE) {
      throw new IllegalArgumentException(
          String.format("forward path %s needs an LSTM model, this one is %s", path, spec.kind()));
    }
    this.network = network;
    this.path = path;
    this.maxBatch = maxBatch;
    this.windowSize = spec.timesteps() * spec.features();
    this.predictionSize = spec.predictedSteps() * spec.features();
    boolean auto = path == ForwardPath.AUTO && lstm;
    this.workspace = path == ForwardPath.REFERENCE || !lstm ? network.newWorkspace() : null;
    this.sequential =
        path == ForwardPath.SEQUENTIAL || auto ? new SequentialForward(network) : null;
    this.lanewise =
        path == ForwardPath.LANEWISE || (auto && maxBatch >= LANEWISE_MIN_LANES)
            ? new LanewiseForward(network, maxBatch)
            : null;
    this.lanewiseFrom =
        path == ForwardPath.LANEWISE ? 0 : (int) Math.ceil(LANEWISE_MIN_FILL * maxBatch);
    this.nd4j = path == ForwardPath.ND4J ? new Nd4jForward(network, maxBatch) : null;
    this.reconstruction = new float[spec.mode().reconstructs() ? maxBatch * windowSize : 0];
    this.prediction = new float[maxBatch * predictionSize];
    this.featureErrors = new float[maxBatch * spec.features()];
    this.windowErrors = new float[maxBatch];
  }

  public int maxBatch() {
    return maxBatch;
  }

  public AutoencoderSpec spec() {
    return network.spec();
  }

  /** Scores the first {@code n} windows of {@code windows}. */
  public void run(float[] windows, int n) {
    if (n < 0 || n > maxBatch) {
      throw new IllegalArgumentException(
          String.format("batch of %s windows, this scorer holds at most %s", n, maxBatch));
    }
    if (windows.length < n * windowSize) {
      throw new IllegalArgumentException(
          String.format(
              "%s windows need %s values, the array has %s", n, n * windowSize, windows.length));
    }
    if (workspace != null) {
      for (int s = 0; s < n; s++) {
        network.forward(
            windows,
            s * windowSize,
            reconstruction,
            s * windowSize,
            prediction,
            s * predictionSize,
            workspace);
      }
    } else if (nd4j != null) {
      nd4j.run(windows, n, reconstruction, prediction);
    } else if (lanewise != null && n >= lanewiseFrom) {
      lanewise.run(windows, n, reconstruction, prediction);
    } else {
      sequential.run(windows, n, reconstruction, prediction);
    }
    computeErrors(windows, n);
  }

  private void computeErrors(float[] windows, int n) {
    AutoencoderSpec spec = network.spec();
    int features = spec.features();
    int steps = spec.timesteps();
    boolean reconstructs = spec.mode().reconstructs();
    for (int s = 0; s < n; s++) {
      int in = s * windowSize;
      float total = 0f;
      for (int f = 0; f < features; f++) {
        float sum = 0f;
        if (reconstructs) {
          for (int t = 0; t < steps; t++) {
            float d = windows[in + t * features + f] - reconstruction[in + t * features + f];
            sum += d * d;
          }
        }
        float mean = sum / steps;
        featureErrors[s * features + f] = mean;
        total += mean;
      }
      windowErrors[s] = total / features;
    }
  }

  /** The forward path this instance was built for. */
  public ForwardPath path() {
    return path;
  }

  public float[] reconstruction() {
    return reconstruction;
  }

  public float[] prediction() {
    return prediction;
  }

  public float[] featureErrors() {
    return featureErrors;
  }

  public float[] windowErrors() {
    return windowErrors;
  }
}
