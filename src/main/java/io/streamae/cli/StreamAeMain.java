package io.streamae.cli;

import io.streamae.job.JobKeys;
import io.streamae.model.io.UnusableInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of {@code java -jar target/streamae.jar <command>}.
 *
 * <p>Exit codes: {@value #EXIT_OK} done; {@value #EXIT_NOTHING_SCORED} the command ran but nothing
 * could be scored (empty input, input shorter than a window, every reading a dead letter); {@value
 * #EXIT_USAGE} a mistake in the command line or its files (unknown option, misspelt job key,
 * missing or unreadable file, invalid value); {@value #EXIT_INTERNAL} a failure that is not the
 * user's. Every error is one line on stderr starting with {@code error:}; {@code --verbose} adds
 * the stack trace.
 *
 * <p>Started without the module {@code jdk.incubator.vector}, it runs the command in a JVM that has
 * it (see {@link VectorModule}), so scoring gets the Vector API kernel without JVM flags.
 */
@Command(
    name = "streamae",
    mixinStandardHelpOptions = true,
    versionProvider = StreamAeMain.Version.class,
    description = "Anomaly detection for sensor streams: composite LSTM autoencoder on Flink.",
    subcommands = {
      RunCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      ScoreCommand.class,
      PublishModelCommand.class,
      RetrainCommand.class,
      ExamplesCommand.class,
      BenchCommand.class,
      DashboardCommand.class,
      CommandLine.HelpCommand.class
    })
public final class StreamAeMain implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_NOTHING_SCORED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_INTERNAL = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "On an error, also print the stack trace.")
  boolean verbose;

  public static void main(String[] args) {
    OptionalInt relaunched = VectorModule.relaunchIfMissing(args);
    if (relaunched.isPresent()) {
      System.exit(relaunched.getAsInt());
    }
    VectorModule.missingNote().ifPresent(System.err::println);
    NativeMemory.configure();
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (for tests). */
  public static int execute(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    return commandLine()
        .setOut(new PrintWriter(System.out, true))
        .setErr(new PrintWriter(System.err, true))
        .setParameterExceptionHandler(StreamAeMain::usageError)
        .setExecutionExceptionHandler(
            (ex, cmd, parsed) -> {
              Throwable cause = rootCause(ex);
              boolean user = isUserError(cause);
              String message = message(cause);
              String firstLine = message.lines().findFirst().orElse("");
              PrintWriter err = cmd.getErr();
              if (user) {
                err.println("error: " + firstLine);
              } else {
                err.printf(
                    Locale.ROOT,
                    "error: internal failure: %s%s%s%n",
                    cause.getClass().getSimpleName(),
                    firstLine.isEmpty() ? "" : ": ",
                    firstLine);
              }
              if (verbose) {
                ex.printStackTrace(err);
              } else if (!user) {
                err.println("run again with --verbose for the stack trace");
              }
              err.flush();
              if (cause instanceof UnusableInputException) {
                return EXIT_NOTHING_SCORED;
              }
              return user ? EXIT_USAGE : EXIT_INTERNAL;
            })
        .execute(args);
  }

  /** The command tree, with the job options listed in the help of the commands that take them. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StreamAeMain());
    String heading = "Job options (--key value or in the --config file; README: Configuration):";
    cli.getSubcommands()
        .get("run")
        .getCommandSpec()
        .usageMessage()
        .footer(JobOptionsHelp.footer(heading));
    cli.getSubcommands()
        .get("evaluate")
        .getCommandSpec()
        .usageMessage()
        .footer(JobOptionsHelp.footer("Job options (--key value; README: Configuration):"));
    cli.getSubcommands()
        .get("score")
        .getCommandSpec()
        .usageMessage()
        .footer(JobOptionsHelp.footer("Job options (scoring.* and window.slide apply):"));
    return cli;
  }

  /**
   * Unknown options name the closest option of the command; other usage errors say what is wrong.
   */
  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName(" ");
    List<String> unmatched = cmd.getUnmatchedArguments();
    String firstUnknown =
        unmatched.stream().filter(a -> a.startsWith("-")).findFirst().orElse(null);
    if (firstUnknown != null) {
      String option =
          firstUnknown.contains("=")
              ? firstUnknown.substring(0, firstUnknown.indexOf('='))
              : firstUnknown;
      List<String> names = new ArrayList<>();
      for (OptionSpec o : cmd.getCommandSpec().options()) {
        names.addAll(Arrays.asList(o.names()));
      }
      String best = JobKeys.closest(option, names);
      err.printf(
          Locale.ROOT,
          "error: unknown option %s%s%n",
          option,
          best == null ? "" : "; did you mean " + best + "?");
    } else if (!unmatched.isEmpty()) {
      err.printf(Locale.ROOT, "error: unexpected argument '%s' for %s%n", unmatched.get(0), name);
    } else {
      err.println("error: " + ex.getMessage().strip().lines().findFirst().orElse(""));
    }
    err.printf(Locale.ROOT, "see: %s --help%n", name);
    err.flush();
    return EXIT_USAGE;
  }

  /**
   * The exception's message; the JDK's file exceptions say only the path, so the problem is added.
   */
  private static String message(Throwable t) {
    if (t instanceof java.nio.file.NoSuchFileException e) {
      return String.format("%s does not exist", e.getFile());
    }
    if (t instanceof java.nio.file.AccessDeniedException e) {
      return String.format("%s is not readable (permission denied)", e.getFile());
    }
    if (t instanceof java.nio.file.FileSystemException e && e.getReason() != null) {
      return String.format("%s: %s", e.getFile(), e.getReason());
    }
    return t.getMessage() == null ? "" : t.getMessage().strip();
  }

  private static Throwable rootCause(Throwable ex) {
    Throwable t = ex;
    // Flink wraps a job's failure in JobExecutionException → … → the operator's exception
    while (t.getCause() != null
        && t.getCause() != t
        && (t.getClass().getName().startsWith("org.apache.flink")
            || t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.util.concurrent.CompletionException
            || t instanceof UncheckedIOException
            || (t.getClass() == RuntimeException.class))) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean isUserError(Throwable t) {
    return t instanceof UnusableInputException
        || t instanceof IllegalArgumentException
        || t instanceof IOException
        || t instanceof CommandLine.ParameterException;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = StreamAeMain.class.getPackage().getImplementationVersion();
      return new String[] {"streamae " + (v == null ? "dev" : v)};
    }
  }
}
