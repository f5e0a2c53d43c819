package dev.uniscope.trace.page;

/** Receives the records of one page as positions, without copying payloads. */
public interface RecordSink {
  /** Called once per page before its records. */
  void page(PageHeader header);

  /**
   * One valid record.
   *
   * @param offset record start within the page (header included)
   * @param size whole record size
   * @param tsDelta unsigned ns from the page's base_ts
   */
  void record(int eventId, int offset, int size, int tsDelta);
}
