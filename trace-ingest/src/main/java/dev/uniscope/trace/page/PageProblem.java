package dev.uniscope.trace.page;

/** Why (part of) a page could not be decoded. */
public sealed interface PageProblem {
  String describe();

  /** The header is unusable; nothing in the page was decoded. */
  record BadHeader(String reason) implements PageProblem {
    @Override
    public String describe() {
      return "bad page header: " + reason;
    }
  }

  /** A record is malformed; records before it were decoded, the rest of the page was not. */
  record BadRecord(int cpu, long seq, int recordOffset, String reason) implements PageProblem {
    @Override
    public String describe() {
      return "cpu "
          + cpu
          + " page "
          + seq
          + ", record at page offset "
          + recordOffset
          + ": "
          + reason;
    }
  }
}
