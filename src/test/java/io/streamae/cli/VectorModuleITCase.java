package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar target/streamae.jar bench}, as the README starts it, with no JVM flag: the CLI
 * relaunches itself with {@code jdk.incubator.vector} and the benchmark reports the vector kernel.
 * With the relaunch turned off it says once that the module is missing and which flag adds it, and
 * runs a plain-Java kernel. No timing is asserted.
 */
class VectorModuleITCase {
  private static final List<String> BENCH =
      List.of(
          "bench",
          "--configs",
          "B",
          "--batches",
          "256",
          "--threads",
          "1",
          "--seconds",
          "0.3",
          "--no-training");

  private static Path jar;

  @BeforeAll
  static void locateJar() {
    String location = System.getProperty("streamae.jar");
    assertThat(location).as("system property streamae.jar (set by failsafe)").isNotBlank();
    jar = Path.of(location);
    assertThat(jar).as("runnable jar; build it with mvn package").isRegularFile();
  }

  @Test
  void plainJavaJarRunsTheVectorKernel() throws Exception {
    Result run = run(Map.of());
    assertThat(run.exit).as(run.output).isZero();
    assertThat(run.output)
        .contains("bench config=B batch=256 threads=1 ")
        .contains("path=auto")
        .contains("kernel=vector")
        .doesNotContain(VectorModule.MISSING_NOTE);
  }

  @Test
  void withoutTheRelaunchItSaysOnceWhichFlagIsMissing() throws Exception {
    Result run = run(Map.of(VectorModule.RELAUNCH_ENV, "false"));
    assertThat(run.exit).as(run.output).isZero();
    assertThat(run.output).contains("kernel=").doesNotContain("kernel=vector");
    assertThat(run.output.split(java.util.regex.Pattern.quote(VectorModule.MISSING_NOTE), -1))
        .as("the note, once: %s", run.output)
        .hasSize(2);
    assertThat(VectorModule.MISSING_NOTE).contains("--add-modules jdk.incubator.vector");
  }

  @Test
  void exitCodeOfTheRelaunchedCommandIsKept() throws Exception {
    Result run = runArgs(List.of("train", "--input", "no-such-history.csv"), Map.of());
    assertThat(run.exit).as(run.output).isEqualTo(StreamAeMain.EXIT_USAGE);
    assertThat(run.output.lines().findFirst().orElse(""))
        .as("the error is the first line, not the JDK's incubator warning: %s", run.output)
        .isEqualTo("error: history file no-such-history.csv does not exist");
    assertThat(run.output).doesNotContain(VectorModule.INCUBATOR_WARNING);
  }

  /**
   * A command that runs until stopped ({@code dashboard}), stopped as a service manager or a closed
   * terminal stops it: a TERM to the JVM the user started. The relaunched child stops too, and
   * stderr stays clean (no exception from the JVM's shutdown).
   */
  @Test
  void aStoppedCommandStopsItsChildWithoutAStackTrace(@TempDir Path dir) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(
        List.of(
            "dashboard",
            "--results",
            dir.resolve("results.jsonl").toString(),
            "--dead-letters",
            dir.resolve("dead-letters.jsonl").toString(),
            "--dashboard.port",
            "0"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process process = builder.start();
    try (java.io.BufferedReader out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertThat(first).as("first line of stdout").startsWith("dashboard: http://");
      List<ProcessHandle> children = process.children().toList();
      assertThat(children).as("the relaunched JVM").hasSize(1);

      process.destroy(); // TERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
      assertThat(children.get(0).onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
    } finally {
      process.destroyForcibly();
    }
    String err = java.nio.file.Files.readString(dir.resolve("stderr.txt"));
    assertThat(err).as("stderr").doesNotContain("Exception").doesNotContain("\tat ");
  }

  private record Result(int exit, String output) {}

  private static Result run(Map<String, String> env) throws IOException, InterruptedException {
    return runArgs(BENCH, env);
  }

  private static Result runArgs(List<String> args, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
