package dev.uniscope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level {@code uniscope} command. Each subcommand lives in its own class; add it to the
 * {@code subcommands} list below and nowhere else.
 */
@Command(
    name = "uniscope",
    mixinStandardHelpOptions = true,
    version = "uniscope 0.1.0",
    description = "Observability and debugging workbench for the Uniscope unikernel.",
    subcommands = {CommandLine.HelpCommand.class, BootCommand.class})
public final class UniscopeCommand implements Runnable {

  @Override
  public void run() {
    // No subcommand: show what exists rather than guessing.
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code; tests call this instead of {@link #main}. */
  public static int execute(String... args) {
    return new CommandLine(new UniscopeCommand()).execute(args);
  }
}
