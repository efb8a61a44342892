package io.streamae.cli;

/**
 * JavaCPP settings applied before ND4J loads, unless given on the command line.
 *
 * <p>{@code maxPhysicalBytes=0} turns off JavaCPP's check of the process's resident size on every
 * native allocation: with it on, a quarter of the native time of training went into reading the
 * process size (measured with JFR on the reference example: 35 s → 25 s). Off-heap memory stays
 * bounded by {@code org.bytedeco.javacpp.maxBytes} (JavaCPP's default: the JVM's {@code -Xmx}),
 * which counts every ND4J buffer.
 */
final class NativeMemory {
  static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  private NativeMemory() {}

  static void configure() {
    if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
      System.setProperty(MAX_PHYSICAL_BYTES, "0");
    }
  }
}
