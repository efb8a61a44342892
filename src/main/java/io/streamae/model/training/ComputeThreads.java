package io.streamae.model.training;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Native compute threads of ND4J: one per calling thread.
 *
 * <p>The scoring kernels ({@code SequentialForward}, {@code LanewiseForward}, {@code VectorForward}
 * in {@code model.inference}) are plain Java and run only in the thread that calls them: one
 * compute thread per operator subtask, parallelism comes from Flink. ND4J, used for training, model
 * loading and the comparison path {@link Nd4jForward}, starts an OpenMP pool and a BLAS pool sized
 * to the machine; on a TaskManager with several slots those pools oversubscribe the cores (on 2
 * shared cores, {@code OMP_NUM_THREADS=1} was 1.5–4× faster). Two settings together keep ND4J to
 * the calling thread:
 *
 * <ul>
 *   <li>the environment variable {@code OMP_NUM_THREADS=1} for the TaskManager process, read by
 *       OpenMP when the native library loads, so it must be set before the JVM starts: {@code
 *       containerized.taskmanager.env.OMP_NUM_THREADS: 1} on Kubernetes/YARN, or exported in the
 *       TaskManager's environment ({@code env.java.opts.taskmanager} sets JVM options and does not
 *       reach OpenMP);
 *   <li>{@link #limitToCallingThread()} in-process, which caps libnd4j's own parallel loops ({@code
 *       Nd4j.getEnvironment().setMaxThreads}) and the BLAS library ({@code
 *       Nd4j.factory().blas().setMaxThreads}); alone it did not remove the OpenMP pool's overhead.
 * </ul>
 */
public final class ComputeThreads {
  /** Threads ND4J may use per call: one, the caller's. */
  public static final int ND4J_THREADS = 1;

  private static volatile boolean limited;

  private ComputeThreads() {}

  /** Caps ND4J's native thread pools at {@link #ND4J_THREADS}; idempotent, loads ND4J. */
  public static synchronized void limitToCallingThread() {
    if (limited) {
      return;
    }
    Nd4j.getEnvironment().setMaxThreads(ND4J_THREADS);
    Nd4j.getEnvironment().setMaxMasterThreads(ND4J_THREADS);
    Nd4j.factory().blas().setMaxThreads(ND4J_THREADS);
    limited = true;
  }
}
