package dev.uniscope.flamegraph.parse;

import java.io.IOException;

/** Input rejected because of a malformed line (see {@link OnMalformed#REJECT}). */
public final class MalformedInputException extends IOException {
  private final transient InputProblem problem;

  public MalformedInputException(InputProblem problem) {
    super(problem.toString());
    this.problem = problem;
  }

  public InputProblem problem() {
    return problem;
  }
}
