package dev.uniscope.core.analysis.timeline;

import java.util.Arrays;

/** Growable primitive columns of spans; {@link #snapshot} sorts a copy into {@link Spans}. */
final class SpanBuffer {
  private int size;
  private long[] start = new long[16];
  private long[] end = new long[16];
  private long[] key = new long[16];
  private int[] tid = new int[16];
  private int[] cpu = new int[16];
  private int[] depth = new int[16];
  private byte[] flags = new byte[16];

  void add(long s, long e, long k, int t, int c, int d, int f) {
    if (size == start.length) {
      int n = size * 2;
      start = Arrays.copyOf(start, n);
      end = Arrays.copyOf(end, n);
      key = Arrays.copyOf(key, n);
      tid = Arrays.copyOf(tid, n);
      cpu = Arrays.copyOf(cpu, n);
      depth = Arrays.copyOf(depth, n);
      flags = Arrays.copyOf(flags, n);
    }
    start[size] = s;
    end[size] = e;
    key[size] = k;
    tid[size] = t;
    cpu[size] = c;
    depth[size] = d;
    flags[size] = (byte) f;
    size++;
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  /** A sorted copy of the spans plus {@code extra} (open spans synthesized at query time). */
  Spans snapshot(SpanBuffer extra) {
    int n = size + (extra == null ? 0 : extra.size);
    if (n == 0) {
      return Spans.EMPTY;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    IndexSort.sort(
        order,
        (a, b) -> {
          int c = Long.compare(col(extra, a).start[row(a)], col(extra, b).start[row(b)]);
          if (c != 0) {
            return c;
          }
          c = Integer.compare(col(extra, a).depth[row(a)], col(extra, b).depth[row(b)]);
          return c != 0 ? c : Long.compare(col(extra, b).end[row(b)], col(extra, a).end[row(a)]);
        });
    long[] s = new long[n];
    long[] e = new long[n];
    long[] k = new long[n];
    int[] t = new int[n];
    int[] c = new int[n];
    int[] d = new int[n];
    byte[] f = new byte[n];
    for (int i = 0; i < n; i++) {
      SpanBuffer b = col(extra, order[i]);
      int r = row(order[i]);
      s[i] = b.start[r];
      e[i] = b.end[r];
      k[i] = b.key[r];
      t[i] = b.tid[r];
      c[i] = b.cpu[r];
      d[i] = b.depth[r];
      f[i] = b.flags[r];
    }
    return new Spans(n, s, e, k, t, c, d, f);
  }

  private SpanBuffer col(SpanBuffer extra, int i) {
    return i < size ? this : extra;
  }

  private int row(int i) {
    return i < size ? i : i - size;
  }
}
