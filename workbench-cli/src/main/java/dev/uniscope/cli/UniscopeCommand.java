package dev.uniscope.cli;

import dev.uniscope.cli.run.RunCommand;
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
    subcommands = {
      CommandLine.HelpCommand.class,
      RunCommand.class,
      dev.uniscope.cli.run.AttachCommand.class,
      dev.uniscope.cli.report.ReportCommand.class,
      dev.uniscope.cli.export.ExportCommand.class,
      dev.uniscope.cli.gdb.GdbCommand.class,
      dev.uniscope.cli.flame.CollapseCommand.class,
      dev.uniscope.cli.flame.FlameGraphCommand.class
    })
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
    return commandLine().execute(args);
  }

  /**
   * The configured command line. A command that fails prints one line saying what went wrong (bad
   * input is a usage error, exit 2), not a stack trace; {@code UNISCOPE_DEBUG=1} adds it.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new UniscopeCommand());
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("uniscope " + cmd.getCommandName() + ": " + e.getMessage());
          if (System.getenv("UNISCOPE_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
          }
          cmd.getErr().flush();
          return e instanceof IllegalArgumentException ? ExitCodes.USAGE : ExitCodes.APP_FAILED;
        });
    return cl;
  }
}
