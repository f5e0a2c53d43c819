package dev.uniscope.core.imports;

/**
 * Limits and leniency of an import. Every size a file could blow up is capped.
 *
 * @param skipBad skip unparsable lines (ftrace) or events (Chrome JSON) and report them, instead of
 *     failing at the first
 * @param maxProblems problems kept in the result (all are counted)
 * @param maxLineLength longest ftrace line accepted, in bytes
 * @param maxEvents events produced before the import fails (bounds the memory of sinks that keep
 *     events, and of the Chrome importer, which holds every event to sort them); 10 million by
 *     default
 */
public record ImportOptions(boolean skipBad, int maxProblems, int maxLineLength, long maxEvents) {
  public ImportOptions {
    if (maxProblems < 0 || maxLineLength < 16 || maxEvents < 0) {
      throw new IllegalArgumentException("bad import limits");
    }
  }

  /** Fail on the first bad line or event. */
  public static ImportOptions strict() {
    return new ImportOptions(false, 100, 8192, 10_000_000);
  }

  /** Skip bad lines or events, keeping the first 100 problems. */
  public static ImportOptions lenient() {
    return new ImportOptions(true, 100, 8192, 10_000_000);
  }

  public ImportOptions withMaxEvents(long n) {
    return new ImportOptions(skipBad, maxProblems, maxLineLength, n);
  }
}
