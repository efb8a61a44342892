package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.model.io.ModelBundle;
import io.streamae.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A catalogue of user mistakes, each run through the real command line: the exit code and the first
 * line of stderr, which must say what is wrong (and never be a stack trace).
 */
class CommandLineMistakesTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void files() throws Exception {
    model = dir.resolve("sine.sae");
    ModelBundle bundle = TestModels.sineBundle(12, 3);
    bundle.write(model);
    Files.createDirectories(dir.resolve("adir.csv"));
    Files.writeString(dir.resolve("empty.csv"), "");
    Files.writeString(dir.resolve("short.csv"), csv(0, 5));
    Files.writeString(dir.resolve("history.csv"), csv(0, 60));
    Files.writeString(
        dir.resolve("allbad.csv"), "timestamp,temp,current\nyesterday,1,2\n2026-01-01 00:00,x,2\n");
    Files.writeString(dir.resolve("bad.yaml"), "window:\n  size: 3\n slide: [\n");
    Files.writeString(dir.resolve("typo.yaml"), "window:\n  slide: 2\nmodle:\n  path: /m.sae\n");
    byte[] bytes = Files.readAllBytes(model);
    Files.write(dir.resolve("truncated.sae"), Arrays.copyOf(bytes, bytes.length / 2));
    Files.writeString(dir.resolve("notabundle.sae"), "timestamp,temp\n");
  }

  static Stream<Arguments> mistakes() {
    String d = dir.toString();
    String m = model.toString();
    return Stream.of(
        // unknown options and misspelt job keys
        mistake("run --modle x.sae", 2, "error: unknown option --modle; did you mean --model?"),
        mistake(
            "run --bogus 3",
            2,
            "error: unknown option --bogus: neither a StreamAE nor a Flink option"),
        mistake(
            "run --windw.slide 2",
            2,
            "error: unknown option --windw.slide; did you mean --window.slide?"),
        mistake(
            "run --execution.checkpointing.intervall 2s",
            2,
            "error: unknown option --execution.checkpointing.intervall; did you mean --execution.checkpointing.interval?"),
        mistake(
            "run --modle.path x.sae",
            2,
            "error: unknown option --modle.path; did you mean --model.path?"),
        mistake("run --retrian", 2, "error: unknown option --retrian; did you mean --retrain?"),
        mistake("train --bogus", 2, "error: unknown option --bogus"),
        mistake("evaluate --bogus", 2, "error: unknown option --bogus"),
        mistake(
            "dashboard --dashbord.port 9",
            2,
            "error: unknown option --dashbord.port; did you mean --dashboard.port?"),
        mistake(
            "train --input " + d + "/history.csv --epoch 3",
            2,
            "error: unknown option --epoch; did you mean --epochs?"),
        mistake(
            "score --model " + m + " --input " + d + "/history.csv --ouput r.jsonl",
            2,
            "error: unknown option --ouput; did you mean --output?"),
        mistake(
            "score --model " + m + " --input " + d + "/history.csv --scoring.warmup-window 3",
            2,
            "error: unknown option --scoring.warmup-window; did you mean --scoring.warmup-windows?"),
        mistake(
            "evaluate --data " + d + " --scoring.alarm-likelyhood 0.9",
            2,
            "error: unknown option --scoring.alarm-likelyhood; did you mean --scoring.alarm-likelihood?"),
        mistake(
            "train --input " + d + "/history.csv --timesteps twelve",
            2,
            "error: Invalid value for option '--timesteps': 'twelve' is not an int"),
        mistake(
            "run --config " + d + "/typo.yaml",
            2,
            "error: job file "
                + d
                + "/typo.yaml: unknown key modle.path; did you mean model.path?"),
        mistake("run --window.slide 0", 2, "error: window.slide (0) must be >= 1"),
        // files: the path and the real problem
        mistake(
            "train --input " + d + "/adir.csv",
            2,
            "error: history file " + d + "/adir.csv is a directory, not a file"),
        mistake(
            "train --input " + d + "/nosuch.csv",
            2,
            "error: history file " + d + "/nosuch.csv does not exist"),
        mistake(
            "score --model " + d + " --input " + d + "/history.csv",
            2,
            "error: model bundle " + d + " is a directory, not a file"),
        mistake(
            "score --model " + d + "/truncated.sae --input " + d + "/history.csv",
            2,
            "error: model bundle " + d + "/truncated.sae is truncated"),
        mistake(
            "score --model " + d + "/notabundle.sae --input " + d + "/history.csv",
            2,
            "error: model bundle " + d + "/notabundle.sae is not a zip file or is empty"),
        mistake("run --config " + d, 2, "error: job file " + d + " is a directory, not a file"),
        mistake(
            "run --config " + d + "/bad.yaml",
            2,
            "error: job file " + d + "/bad.yaml: YAML error at line 3:"),
        mistake(
            "run --source file --source.path " + d + "/adir.csv --model " + m,
            2,
            "error: history file " + d + "/adir.csv is a directory, not a file"),
        mistake(
            "evaluate --data " + d + "/history.csv",
            2,
            "error: data directory " + d + "/history.csv is a file, not a directory"),
        mistake(
            "evaluate --data " + d + " --labels " + d + "/nosuch.json",
            2,
            "error: labels file " + d + "/nosuch.json does not exist"),
        mistake(
            "run --source nab --source.path " + d + "/nosuch.csv --model " + m,
            2,
            "error: NAB series file " + d + "/nosuch.csv does not exist"),
        mistake(
            "score --model " + m + " --input " + d + "/history.csv --output " + d,
            2,
            "error: output file " + d + " is a directory, not a file"),
        mistake(
            "run --output " + d + "/adir.csv",
            2,
            "error: output file " + d + "/adir.csv is a directory, not a file"),
        // nothing to score
        mistake(
            "run --source file --source.path " + d + "/empty.csv --model " + m,
            1,
            "error: history file " + d + "/empty.csv is empty"),
        mistake(
            "score --model " + m + " --input " + d + "/empty.csv",
            1,
            "error: history file " + d + "/empty.csv is empty"),
        mistake(
            "score --model " + m + " --input " + d + "/short.csv --output " + d + "/r.jsonl",
            1,
            "error: "
                + d
                + "/short.csv has at most 5 usable readings per sensor, fewer than one window of 12: nothing to score"),
        mistake(
            "run --source file --source.path " + d + "/short.csv --model " + m,
            1,
            "error: "
                + d
                + "/short.csv has at most 5 usable readings per sensor, fewer than one window of 12: nothing to score"),
        mistake(
            "train --input " + d + "/allbad.csv",
            1,
            "error: "
                + d
                + "/allbad.csv has no usable rows (2 bad rows, first: line 2: unreadable timestamp 'yesterday')"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void aMistakeGetsItsExitCodeAndOneLineThatSaysWhatIsWrong(
      String command, int exit, String firstLine) {
    CliRunner r = CliRunner.run(command.split(" "));
    assertThat(r.firstErrorLine()).as("first line of stderr of %s", command).startsWith(firstLine);
    assertThat(r.exitCode()).as("exit code of %s (stderr %s)", command, r.err()).isEqualTo(exit);
    assertThat(r.err()).as("no stack trace without --verbose").doesNotContain("\tat ");
  }

  @Test
  void verboseShowsTheStackTrace() {
    CliRunner r =
        CliRunner.run("train", "--input", dir.resolve("adir.csv").toString(), "--verbose");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.firstErrorLine()).startsWith("error: history file");
    assertThat(r.err()).contains("\tat io.streamae.");
  }

  @Test
  void helpListsEveryOptionWithADescriptionAndEveryJobOption() {
    for (String command : List.of("run", "train", "score", "evaluate", "examples", "bench")) {
      CliRunner r = CliRunner.run(command, "--help");
      assertThat(r.exitCode()).isZero();
      picocli.CommandLine.Model.CommandSpec spec =
          StreamAeMain.commandLine().getSubcommands().get(command).getCommandSpec();
      for (picocli.CommandLine.Model.OptionSpec o : spec.options()) {
        assertThat(r.out())
            .as("%s --help lists %s", command, o.longestName())
            .contains(o.longestName());
        String description = String.join(" ", o.description());
        assertThat(
                description
                    .replace("(default ${DEFAULT-VALUE})", "")
                    .replace("Default: ${DEFAULT-VALUE}.", ""))
            .as("%s %s says what it does", command, o.longestName())
            .matches("(?s).*[a-z]{3,}.*[a-z]{3,}.*");
        boolean flag = o.arity().max() == 0;
        if (!flag && !o.required() && !o.usageHelp() && !o.versionHelp()) {
          assertThat(description.toLowerCase(Locale.ROOT))
              .as("%s %s gives its default", command, o.longestName())
              .contains("default");
        }
      }
    }
    String run = CliRunner.run("run", "--help").out();
    for (String key : io.streamae.job.JobKeys.own()) {
      assertThat(run).as("run --help lists --%s", key).contains("--" + key + " (default ");
    }
    // the command list shows whole sentences
    String top = CliRunner.run("--help").out();
    List<String> summaries = new ArrayList<>();
    top.lines()
        .filter(l -> l.matches("  (run|train|score|evaluate|examples|bench) .*"))
        .forEach(summaries::add);
    assertThat(summaries).hasSize(6).allSatisfy(l -> assertThat(l.strip()).endsWith("."));
  }

  private static Arguments mistake(String command, int exit, String firstLine) {
    return Arguments.of(command, exit, firstLine);
  }

  private static String csv(int from, int rows) {
    StringBuilder sb = new StringBuilder("timestamp,sensorId,temp,current\n");
    for (int i = from; i < from + rows; i++) {
      float[] v = TestModels.sineValues(0, i);
      sb.append(
          String.format(
              Locale.ROOT, "%d,s-1,%.4f,%.4f%n", TestModels.T0 + i * TestModels.STEP, v[0], v[1]));
    }
    return sb.toString();
  }
}
