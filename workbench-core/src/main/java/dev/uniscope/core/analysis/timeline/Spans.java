package dev.uniscope.core.analysis.timeline;

/**
 * An immutable list of time intervals in primitive columns, sorted by start (outer before inner at
 * equal starts). One shape serves every span kind; {@link #key} is the kind's subject: the thread
 * id of a CPU slice, the vector of an IRQ, the address of a function, the name id of a marker, the
 * {@link ThreadState} ordinal of a thread-state interval.
 */
public final class Spans {
  /** The beginning was not captured; {@link #start} is a lower bound only (often == end). */
  public static final int START_MISSING = 1;

  /** The end was not captured (still open, or lost); {@link #end} is the last time seen. */
  public static final int END_MISSING = 2;

  /** Begins from a source's statement rather than a captured event (ftrace text task column). */
  public static final int INFERRED = 4;

  /** The entry was lost, the start comes from the exit's measured duration: exact. */
  public static final int START_FROM_DURATION = 8;

  static final Spans EMPTY =
      new Spans(
          0,
          new long[0],
          new long[0],
          new long[0],
          new int[0],
          new int[0],
          new int[0],
          new byte[0]);

  private final int size;
  private final long[] start;
  private final long[] end;
  private final long[] key;
  private final int[] tid;
  private final int[] cpu;
  private final int[] depth;
  private final byte[] flags;

  Spans(
      int size,
      long[] start,
      long[] end,
      long[] key,
      int[] tid,
      int[] cpu,
      int[] depth,
      byte[] flags) {
    this.size = size;
    this.start = start;
    this.end = end;
    this.key = key;
    this.tid = tid;
    this.cpu = cpu;
    this.depth = depth;
    this.flags = flags;
  }

  public int size() {
    return size;
  }

  public long start(int i) {
    return start[i];
  }

  public long end(int i) {
    return end[i];
  }

  public long duration(int i) {
    return end[i] - start[i];
  }

  public long key(int i) {
    return key[i];
  }

  public int tid(int i) {
    return tid[i];
  }

  public int cpu(int i) {
    return cpu[i];
  }

  /** Nesting depth, 0 = outermost. */
  public int depth(int i) {
    return depth[i];
  }

  public int flags(int i) {
    return flags[i];
  }

  /** True when both ends were captured (or the start is exact from a measured duration). */
  public boolean complete(int i) {
    return (flags[i] & (START_MISSING | END_MISSING)) == 0;
  }

  /** Index of the first span whose start is at or after {@code ts} (binary search). */
  public int firstStartingAtOrAfter(long ts) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (start[mid] < ts) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
