package dev.uniscope.cli.flame;

import dev.uniscope.flamegraph.parse.InputProblem;
import dev.uniscope.flamegraph.parse.ProblemListener;
import java.io.PrintStream;

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

  /** Prints how many reports were not shown. */
  void finish() {
    if (count > SHOWN) {
      err.println(prefix + (count - SHOWN) + " more problem lines not shown");
    }
  }
}
