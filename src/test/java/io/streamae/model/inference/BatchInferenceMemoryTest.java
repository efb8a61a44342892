package io.streamae.model.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.definition.CellActivation;
import io.streamae.model.definition.ModelMode;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scoring allocates nothing per call, so memory stays flat however many windows pass. */
class BatchInferenceMemoryTest {
  private static final int WINDOWS = 1_000_000;

  @Test
  void millionWindowsAllocateNothing() {
    AutoencoderSpec spec = AutoencoderSpec.lstm(4, 2, 1, List.of(6), CellActivation.TANH, ModelMode.COMPOSITE);
    AutoencoderNetwork network = AutoencoderNetwork.of(spec, RandomParameters.of(spec, 9));
    int batch = 100;
    BatchInference inference = new BatchInference(network, batch);
    float[] windows = new float[batch * 8];
    Random random = new Random(1);
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < 2_000; i++) {
      inference.run(windows, batch); // warm-up: the JIT compiles the kernel before measuring
    }

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

    assertThat(checksum).isFinite();
    // A single allocation per call (100 bytes × 10,000 calls) would already exceed this.
    assertThat(allocated).as("bytes allocated while scoring %s windows", WINDOWS).isLessThan(64 * 1024);
  }
}
