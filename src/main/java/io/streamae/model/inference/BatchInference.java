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
 * <p><b>Which forward pass.</b> LSTM models run one of three plain-Java kernels; dense models run
 * the per-window {@link ReferenceForward}. Config B of the benchmark (T=32 F=8 H=64, composite,
 * horizon 1), windows/s, one JVM per point, the paths of a batch size back to back; 2026-11-28, 2
 * shared cores with AVX-512 (preferred vector 512 bits), Java 17.0.15, load average 1.1–2.0 from
 * other work. One thread: {@code OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -jar
 * target/streamae.jar bench --configs B --no-training --seconds 3 --threads 1 --batches N --paths
 * X}:
 *
 * <pre>
 *   batch   REFERENCE   SEQUENTIAL   LANEWISE   VECTOR   ND4J
 *       1         831        7,920        858   12,120     197
 *      16         906        8,056      4,915   33,717   1,706
 *      32         727        7,995      6,959   32,589   2,450
 *      64         729        8,227      8,703   33,657   2,832
 *     128         746        7,959     11,555   28,242   2,652
 *     256         879        6,386     13,615   32,441   1,954
 * </pre>
 *
 * Two threads, each with its own instance ({@code --threads 2}, same command; two-thread figures
 * depend most on the neighbours: the same kernel measured 38,000–72,000 for VECTOR at 256, and the
 * ratios stayed):
 *
 * <pre>
 *   batch   SEQUENTIAL   LANEWISE   VECTOR
 *       1       12,420      1,065   19,819
 *      32       11,879      9,441   49,563
 *     256       13,121     20,028   50,018
 * </pre>
 *
 * Hence {@link ForwardPath#AUTO}: {@link VectorForward} for every batch size when the JVM has the
 * module {@code jdk.incubator.vector} ({@link #vectorKernelAvailable()}): 1.5× {@link
 * SequentialForward} for single windows, 3.5–5× from 16 windows on, 2.4× {@link LanewiseForward} at
 * 256, and a partial batch costs only its windows. Without the module, as before: {@link
 * SequentialForward} below 64 windows, {@link LanewiseForward} for (nearly) full batches of 64 and
 * more (see {@link #LANEWISE_MIN_LANES}, {@link #LANEWISE_MIN_FILL}), and no class that names a
 * vector type is loaded. One-thread figures move by ±15% between runs on these shared cores; the
 * ratios hold. {@code Nd4jForward} (GEMMs plus ND4J transforms) lost at every batch size: to per-op
 * overhead at small batches (1–47 µs of CPU per op here, about 570 ops per call for config B) and
 * to its element-wise transforms at large ones (sigmoid 3.5–5 ns per value against about 1 ns in
 * {@link LstmMath}); it also allocates per call. {@link ForwardPath#AUTO} never picks it; it stays
 * for re-measuring on other hardware ({@code bench --paths ND4J}).
 *
 * <p><b>Threads.</b> The kernels run in the calling thread only: one compute thread per operator
 * subtask, parallelism comes from Flink. They do not touch ND4J, so OpenMP and BLAS pools stay idle
 * while scoring (set {@code OMP_NUM_THREADS=1} for the TaskManager anyway; training and model
 * loading use ND4J, see {@code model.training.ComputeThreads}).
 */
public final class BatchInference {
  /**
   * Without the vector kernel, {@link ForwardPath#AUTO} builds a {@link LanewiseForward} only for
   * {@code maxBatch} of at least this many windows; below, {@link SequentialForward} was as fast or
   * faster (table above).
   */
  static final int LANEWISE_MIN_LANES = 64;

  /**
   * ... and runs it for a call of {@code n} windows when {@code n >= LANEWISE_MIN_FILL · maxBatch}.
   * It always computes {@code maxBatch} lanes (see {@link LanewiseForward}), so a partial batch
   * costs as much as a full one; it beats {@link SequentialForward} once about 0.6 (256 lanes) to
   * 0.7 (128 lanes) of them hold windows.
   */
  static final double LANEWISE_MIN_FILL = 0.7;

  private static final boolean VECTOR_MODULE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private final AutoencoderNetwork network;
  private final ForwardPath path;
  private final AutoencoderNetwork.Workspace workspace;
  private final SequentialForward sequential;
  private final LanewiseForward lanewise;
  private final ForwardKernel vector;

  /** A kernel from outside the package ({@link #withKernel}), or null. */
  private final ForwardKernel external;

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
    this(network, maxBatch, path, vectorKernelAvailable());
  }

  /**
   * @param vectorAvailable whether {@link ForwardPath#AUTO} may use {@link VectorForward}; tests
   *     pass false to take the path of a JVM without {@code jdk.incubator.vector}
   */
  BatchInference(
      AutoencoderNetwork network, int maxBatch, ForwardPath path, boolean vectorAvailable) {
    this(network, maxBatch, path, vectorAvailable, null);
  }

  /**
   * Runs {@code kernel}, built for {@code network} and {@code maxBatch}, under the name {@code
   * path}: how the ND4J comparison path, which lives with the training code, reaches the benchmark
   * without scoring code linking ND4J.
   */
  public static BatchInference withKernel(
      AutoencoderNetwork network, int maxBatch, ForwardPath path, ForwardKernel kernel) {
    if (kernel == null) {
      throw new IllegalArgumentException("kernel must not be null");
    }
    return new BatchInference(network, maxBatch, path, false, kernel);
  }

  private BatchInference(
      AutoencoderNetwork network,
      int maxBatch,
      ForwardPath path,
      boolean vectorAvailable,
      ForwardKernel external) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
    }
    AutoencoderSpec spec = network.spec();
    boolean lstm = spec.kind() == ModelKind.LSTM;
    if (!lstm && path != ForwardPath.AUTO && path != ForwardPath.REFERENCE) {
      throw new IllegalArgumentException(
          String.format("forward path %s needs an LSTM model, this one is %s", path, spec.kind()));
    }
    if (path == ForwardPath.ND4J && external == null) {
      throw new IllegalArgumentException(
          "forward path ND4J is built by io.streamae.model.training.Nd4jForward.batchInference");
    }
    if (path == ForwardPath.VECTOR && !vectorAvailable) {
      throw new IllegalStateException(
          "forward path VECTOR needs the module jdk.incubator.vector: start the JVM with"
              + " --add-modules jdk.incubator.vector");
    }
    this.network = network;
    this.path = path;
    this.maxBatch = maxBatch;
    this.windowSize = spec.timesteps() * spec.features();
    this.predictionSize = spec.predictedSteps() * spec.features();
    this.external = external;
    boolean auto = external == null && path == ForwardPath.AUTO && lstm;
    boolean autoVector = auto && vectorAvailable;
    boolean autoPlain = auto && !vectorAvailable;
    this.workspace =
        external == null && (path == ForwardPath.REFERENCE || !lstm)
            ? network.newWorkspace()
            : null;
    // The only reference to VectorForward: its class, and with it the vector module, is loaded
    // only when this line runs.
    this.vector =
        external == null && path == ForwardPath.VECTOR || autoVector
            ? VectorForward.create(network, maxBatch)
            : null;
    this.sequential =
        external == null && path == ForwardPath.SEQUENTIAL || autoPlain
            ? new SequentialForward(network)
            : null;
    this.lanewise =
        external == null && path == ForwardPath.LANEWISE
                || (autoPlain && maxBatch >= LANEWISE_MIN_LANES)
            ? new LanewiseForward(network, maxBatch)
            : null;
    this.lanewiseFrom =
        path == ForwardPath.LANEWISE ? 0 : (int) Math.ceil(LANEWISE_MIN_FILL * maxBatch);
    this.reconstruction = new float[spec.mode().reconstructs() ? maxBatch * windowSize : 0];
    this.prediction = new float[maxBatch * predictionSize];
    this.featureErrors = new float[maxBatch * spec.features()];
    this.windowErrors = new float[maxBatch];
  }

  /**
   * Whether this JVM can run {@link VectorForward}, the fastest kernel: true when the module {@code
   * jdk.incubator.vector} is in the boot layer ({@code java --add-modules jdk.incubator.vector
   * ...}; for Flink, in {@code env.java.opts.taskmanager}). Without it {@link ForwardPath#AUTO}
   * runs {@link SequentialForward} and {@link LanewiseForward}, and no class that uses the module
   * is loaded.
   */
  public static boolean vectorKernelAvailable() {
    return VECTOR_MODULE;
  }

  /**
   * The kernel {@link #run} uses for a call of {@code n} windows: {@code reference}, {@code nd4j},
   * {@code vector}, {@code lanewise} or {@code sequential}.
   */
  public String kernelFor(int n) {
    if (workspace != null) {
      return "reference";
    } else if (external != null) {
      return path.name().toLowerCase(java.util.Locale.ROOT);
    } else if (vector != null) {
      return "vector";
    } else if (lanewise != null && n >= lanewiseFrom) {
      return "lanewise";
    }
    return "sequential";
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
    } else if (external != null) {
      external.run(windows, n, reconstruction, prediction);
    } else if (vector != null) {
      vector.run(windows, n, reconstruction, prediction);
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
