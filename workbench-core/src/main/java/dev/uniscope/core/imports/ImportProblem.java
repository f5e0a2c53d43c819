package dev.uniscope.core.imports;

/**
 * One thing wrong with the input.
 *
 * @param location {@code line 12} (ftrace text) or {@code traceEvents[3].ts (byte 120, line 4,
 *     column 9)} (Chrome JSON)
 */
public record ImportProblem(String location, String message) {
  @Override
  public String toString() {
    return location + ": " + message;
  }
}
