package dev.uniscope.flamegraph.parse;

/** A line of input that could not be used, with its 1-based line number. */
public record InputProblem(long line, String message) {
  @Override
  public String toString() {
    return "line " + line + ": " + message;
  }
}
