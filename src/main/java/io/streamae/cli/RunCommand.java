package io.streamae.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder replaced by the scoring job command. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs the scoring job.")
final class RunCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
