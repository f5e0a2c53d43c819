package dev.uniscope.trace.page;

/** Page and record layout constants (docs/protocol.md section 5). */
public final class PageFormat {
  public static final int MAGIC = 0x47505455; // "UTPG"
  public static final int HEADER = 32;
  public static final int RECORD_HEADER = 8;
  public static final int ALIGN = 8;
  public static final int MIN_PAGE_SIZE = 1024;
  public static final int MAX_PAGE_SIZE = 65536;
  public static final int PADDING_ID = 0;

  /** Page flag: closed early by FLUSH or a timestamp overflow. */
  public static final int FLAG_CLOSED_EARLY = 1;

  public static final int OFF_MAGIC = 0;
  public static final int OFF_CPU = 4;
  public static final int OFF_FLAGS = 6;
  public static final int OFF_SEQ = 8;
  public static final int OFF_BASE_TS = 16;
  public static final int OFF_COMMIT = 24;
  public static final int OFF_LOST = 28;

  private PageFormat() {}

  /** True for a power of two in [MIN_PAGE_SIZE, MAX_PAGE_SIZE]. */
  public static boolean validPageSize(long size) {
    return size >= MIN_PAGE_SIZE && size <= MAX_PAGE_SIZE && Long.bitCount(size) == 1;
  }
}
