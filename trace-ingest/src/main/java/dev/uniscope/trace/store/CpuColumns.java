package dev.uniscope.trace.store;

/**
 * The events of one CPU in time order, as columns in fixed-size chunks (so growth never copies and
 * slack is at most one chunk): page index (4 bytes), time delta from the page base (4), record
 * offset in the page (2), event id (2) = 12 bytes per event. Payloads stay in the page.
 */
public final class CpuColumns {
  static final int CHUNK_BITS = 14;
  static final int CHUNK = 1 << CHUNK_BITS;
  private static final int MASK = CHUNK - 1;

  /** Array header bytes on a 64-bit JVM with compressed oops. */
  private static final int ARRAY_HEADER = 16;

  private int[][] page = new int[0][];
  private int[][] delta = new int[0][];
  private char[][] offset = new char[0][];
  private short[][] id = new short[0][];
  private long size;

  void add(int pageIndex, int tsDelta, int recordOffset, int eventId) {
    int c = (int) (size >>> CHUNK_BITS);
    int i = (int) (size & MASK);
    if (i == 0 && c == page.length) {
      grow();
    }
    page[c][i] = pageIndex;
    delta[c][i] = tsDelta;
    offset[c][i] = (char) recordOffset;
    id[c][i] = (short) eventId;
    size++;
  }

  private void grow() {
    int n = page.length + 1;
    page = java.util.Arrays.copyOf(page, n);
    delta = java.util.Arrays.copyOf(delta, n);
    offset = java.util.Arrays.copyOf(offset, n);
    id = java.util.Arrays.copyOf(id, n);
    page[n - 1] = new int[CHUNK];
    delta[n - 1] = new int[CHUNK];
    offset[n - 1] = new char[CHUNK];
    id[n - 1] = new short[CHUNK];
  }

  public long size() {
    return size;
  }

  public int pageIndex(long i) {
    return page[(int) (i >>> CHUNK_BITS)][(int) (i & MASK)];
  }

  /** Unsigned ns from the page's base time. */
  public long delta(long i) {
    return Integer.toUnsignedLong(delta[(int) (i >>> CHUNK_BITS)][(int) (i & MASK)]);
  }

  public int recordOffset(long i) {
    return offset[(int) (i >>> CHUNK_BITS)][(int) (i & MASK)];
  }

  public int eventId(long i) {
    return id[(int) (i >>> CHUNK_BITS)][(int) (i & MASK)] & 0xFFFF;
  }

  /** Bytes held by this CPU's columns, chunk slack and array headers included. */
  long residentBytes() {
    long perChunk = (long) CHUNK * (4 + 4 + 2 + 2) + 4L * ARRAY_HEADER;
    long spines = 4L * (ARRAY_HEADER + 4L * page.length);
    return page.length * perChunk + spines;
  }
}
