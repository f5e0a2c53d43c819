package dev.uniscope.flamegraph.parse;

/** Receives malformed-input reports as they are found (parsers never buffer them). */
@FunctionalInterface
public interface ProblemListener {
  void report(InputProblem problem);

  /** Discards every report. */
  static ProblemListener ignore() {
    return p -> {};
  }
}
