package io.streamae.model.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scoring allocates nothing per call, so memory stays flat however many windows pass: neither the
 * Java heap (bytes allocated by the scoring thread) nor the process (resident set from {@code
 * /proc/self/statm}, which would also show native buffers) grows over a million windows.
 */
class BatchInferenceMemoryTest {
  private static final int WINDOWS = 1_000_000;

  /** A leak of 10 bytes per window would be 10 MB; JIT and GC bookkeeping stay well below. */
  private static final long MAX_RSS_GROWTH = 8L << 20;

  @ParameterizedTest(name = "{0}, batch {1}")
  @CsvSource({
    // AUTO runs VectorForward (tests start the JVM with jdk.incubator.vector), including the
    // single-window remainder of a batch of 10; without the module it would run SequentialForward
    // below 64 windows and LanewiseForward for a full batch of 100.
    "AUTO, 1",
    "AUTO, 10",
    "AUTO, 100",
    "SEQUENTIAL, 10",
    "LANEWISE, 100",
    "REFERENCE, 100",
  })
  void millionWindowsAllocateNothing(ForwardPath path, int batch) throws IOException {
    AutoencoderSpec spec =
        AutoencoderSpec.lstm(4, 2, 1, List.of(6), CellActivation.TANH, ModelMode.COMPOSITE);
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, RandomParameters.of(spec, 9));
    BatchInference inference = new BatchInference(network, batch, path);
    float[] windows = new float[batch * 8];
    Random random = new Random(1);
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) random.nextGaussian();
    }
    long rssBeforeWarmUp = residentBytes();
    for (int i = 0; i < 500_000 / batch; i++) {
      inference.run(windows, batch); // warm-up: the JIT compiles the kernel before measuring
    }
    long rssAfterWarmUp = residentBytes();

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    double checksum = 0;
    for (int i = 0; i < WINDOWS / batch; i++) {
      inference.run(windows, batch);
      checksum += inference.windowErrors()[i % batch];
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    long rssAtEnd = residentBytes();

    assertThat(checksum).isFinite();
    // A single allocation per call (16 bytes × 10,000 calls at batch 100) would already exceed
    // this.
    assertThat(allocated)
        .as("bytes allocated while scoring %s windows", WINDOWS)
        .isLessThan(64 * 1024);
    assertThat(rssAtEnd - rssAfterWarmUp)
        .as(
            "resident set growth over %s windows (before warm-up %s, after %s, at end"
                + " %s bytes)",
            WINDOWS, rssBeforeWarmUp, rssAfterWarmUp, rssAtEnd)
        .isLessThan(MAX_RSS_GROWTH);
  }

  /** Resident set size of this process, from the second field of /proc/self/statm (pages). */
  static long residentBytes() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
    return Long.parseLong(fields[1]) * 4096L;
  }
}
