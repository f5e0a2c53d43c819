package dev.uniscope.cli.flame;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.flamegraph.parse.InputProblem;
import dev.uniscope.flamegraph.parse.MalformedInputException;
import dev.uniscope.flamegraph.parse.ProblemListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;

/** Prints input problems to stderr with their line numbers, the first few in full. */
final class ProblemPrinter implements ProblemListener {
  private static final int SHOWN = 20;
  private final String prefix;
  private final PrintStream err;
  private long count;

  ProblemPrinter(String prefix, PrintStream err) {
    this.prefix = prefix;
    this.err = err;
  }

  @Override
  public void report(InputProblem problem) {
    count++;
    if (count <= SHOWN) {
      err.println(prefix + problem);
    }
  }

  /**
   * Prints the failure that ended the command (a rejected line, a missing file, another I/O error)
   * and returns its exit code.
   */
  int fatal(IOException e) {
    err.println(
        prefix
            + switch (e) {
              case MalformedInputException m -> m.getMessage();
              case NoSuchFileException n -> "no such file: " + n.getFile();
              default -> e.toString();
            });
    return ExitCodes.USAGE;
  }

  /** Prints how many reports were not shown. */
  void finish() {
    if (count > SHOWN) {
      err.println(prefix + (count - SHOWN) + " more problem lines not shown");
    }
  }
}
