package io.streamae.cli;

import io.streamae.model.inference.BatchInference;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Gives every CLI command the Vector API kernel without JVM flags.
 *
 * <p>The fastest scoring kernel needs the incubating module {@code jdk.incubator.vector} in the
 * boot layer, which only {@code --add-modules} on the command line (or {@code JDK_JAVA_OPTIONS})
 * puts there: a JAR manifest can add exports and opens ({@code Add-Exports}, {@code Add-Opens}) but
 * not modules, and a module cannot be added to the boot layer once the JVM runs. So {@code java
 * -jar target/streamae.jar ...} without the module starts the same command once more in a child JVM
 * with {@code --add-modules jdk.incubator.vector}, the same JVM options, class path, arguments,
 * standard streams and exit code (about 0.1 s of start-up); off a terminal the JDK's warning about
 * the incubating module is dropped from the child's stderr, so a command's error is the first line
 * there. The child is marked with {@value #RELAUNCHED}, so it never relaunches; {@code
 * STREAMAE_RELAUNCH=false} turns the relaunch off. When the module stays missing (relaunch off, or
 * a runtime image without it), the CLI says so once, with the flag to add, and scoring runs the
 * plain-Java kernels.
 */
final class VectorModule {
  static final String MODULE = "jdk.incubator.vector";
  static final String FLAG = "--add-modules " + MODULE;

  /** System property set on the child JVM. */
  static final String RELAUNCHED = "streamae.relaunched";

  /** Environment variable; {@code false} keeps the command in the JVM it was started in. */
  static final String RELAUNCH_ENV = "STREAMAE_RELAUNCH";

  /** What the JDK prints on stderr when a JVM starts with the module; the relaunch drops it. */
  static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: " + MODULE;

  /** Shown once when the module is missing. */
  static final String MISSING_NOTE =
      "note: module "
          + MODULE
          + " is not loaded, so scoring runs the plain-Java kernels (2-3x slower);"
          + " start Java with "
          + FLAG;

  private VectorModule() {}

  /**
   * Runs the command in a child JVM with the module when this JVM lacks it and may relaunch.
   *
   * @return the child's exit code, or empty when the command should run in this JVM
   */
  static OptionalInt relaunchIfMissing(String[] args) {
    if (BatchInference.vectorKernelAvailable()
        || System.getProperty(RELAUNCHED) != null
        || "false".equalsIgnoreCase(System.getenv(RELAUNCH_ENV))
        || ModuleFinder.ofSystem().find(MODULE).isEmpty()) {
      return OptionalInt.empty();
    }
    Optional<List<String>> command = childCommand(args);
    if (command.isEmpty()) {
      return OptionalInt.empty();
    }
    // Off a terminal (scripts, pipes, CI logs) stderr passes through this JVM only to drop the
    // JDK's warning about the incubating module, so that an error is the first line of stderr. On
    // a terminal the child draws progress lines on stderr between lines on stdout, and a second
    // path for stderr could reorder them, so there the child has the streams as they are.
    boolean filterErrors = System.console() == null;
    ProcessBuilder builder =
        new ProcessBuilder(command.get())
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(
                filterErrors ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.INHERIT);
    // Their options are already among this JVM's input arguments, which the child gets.
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process child;
    try {
      child = builder.start();
    } catch (IOException e) {
      return OptionalInt.empty();
    }
    // Ctrl-C reaches both JVMs (same process group); a TERM to this one alone is passed on.
    Thread forward =
        new Thread(
            () -> {
              if (child.isAlive()) {
                child.destroy();
                try {
                  child.waitFor();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            "streamae-relaunch-forward");
    Runtime.getRuntime().addShutdownHook(forward);
    Thread errors =
        new Thread(
            () -> {
              try {
                copyDroppingIncubatorWarning(child.getErrorStream(), System.err);
              } catch (IOException e) {
                // the child is gone; what it wrote before is out
              }
            },
            "streamae-relaunch-stderr");
    errors.setDaemon(true);
    if (filterErrors) {
      errors.start();
    }
    try {
      int exit = child.waitFor();
      if (filterErrors) {
        errors.join(5_000); // the child's last words (an error line) before its exit code
      }
      try {
        Runtime.getRuntime().removeShutdownHook(forward);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C or a TERM: this JVM is already stopping, the hook has passed the signal on
      }
      return OptionalInt.of(exit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.destroy();
      return OptionalInt.of(StreamAeMain.EXIT_INTERNAL);
    }
  }

  /**
   * Copies the child's stderr as it comes, without the JDK's {@value #INCUBATOR_WARNING} line that
   * a JVM started with the module prints first; any other first line passes on unchanged. Bytes are
   * passed on as they arrive (a progress line redrawn with carriage returns stays live).
   */
  static void copyDroppingIncubatorWarning(InputStream in, OutputStream out) throws IOException {
    byte[] warning =
        (INCUBATOR_WARNING + System.lineSeparator()).getBytes(StandardCharsets.US_ASCII);
    int matched = 0;
    while (matched < warning.length) {
      int b = in.read();
      if (b != warning[matched]) {
        out.write(warning, 0, matched); // another first line: passed on as it is
        if (b == -1) {
          out.flush();
          return;
        }
        out.write(b);
        break;
      }
      matched++;
    }
    out.flush();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) != -1; ) {
      out.write(buffer, 0, n);
      out.flush();
    }
  }

  /** The one line to print when the module is missing in the JVM that runs the command. */
  static Optional<String> missingNote() {
    return BatchInference.vectorKernelAvailable() ? Optional.empty() : Optional.of(MISSING_NOTE);
  }

  /** {@code java <this JVM's options> --add-modules ... -cp <class path> StreamAeMain args}. */
  static Optional<List<String>> childCommand(String[] args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath = System.getProperty("java.class.path");
    if (!Files.isExecutable(java) || classPath == null || classPath.isBlank()) {
      return Optional.empty();
    }
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("--add-modules");
    command.add(MODULE);
    command.add("-D" + RELAUNCHED + "=true");
    command.add("-cp");
    command.add(
        String.join(File.pathSeparator, Arrays.asList(classPath.split(File.pathSeparator))));
    command.add(StreamAeMain.class.getName());
    command.addAll(Arrays.asList(args));
    return Optional.of(command);
  }
}
