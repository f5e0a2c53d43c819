package dev.uniscope.trace.page;

/**
 * What decoding one page gave.
 *
 * @param header null when the header itself was bad
 * @param records valid records delivered to the sink
 * @param problem null when the whole page decoded
 */
public record PageOutcome(PageHeader header, int records, PageProblem problem) {
  public boolean ok() {
    return problem == null;
  }
}
