package io.streamae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code java -jar target/streamae.jar <command>}. */
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
      ExamplesCommand.class,
      BenchCommand.class,
      DashboardCommand.class,
      CommandLine.HelpCommand.class
    })
public final class StreamAeMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    NativeMemory.configure();
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (for tests). */
  public static int execute(String... args) {
    return new CommandLine(new StreamAeMain())
        .setExecutionExceptionHandler(
            (ex, cmd, parsed) -> {
              cmd.getErr().println("error: " + ex.getMessage());
              return 2;
            })
        .execute(args);
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
