package dev.uniscope.flamegraph.parse;

import dev.uniscope.flamegraph.model.FrameTable;
import dev.uniscope.flamegraph.model.StackTree;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a tree as folded stacks: one line per distinct stack, {@code STACK COUNT} (or {@code STACK
 * BEFORE AFTER} for a differential tree), sorted by byte-wise string comparison as
 * stackcollapse-perf.pl sorts its keys. A flame-chart tree is written in its own (time) order.
 */
public final class FoldedWriter {
  private FoldedWriter() {}

  public static void write(StackTree tree, OutputStream out) throws IOException {
    Lines lines = new Lines(tree.frames());
    tree.forEachStack(lines::add);
    int n = lines.count;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (tree.sortedByName()) {
      sort(order, new int[n], 0, n, lines.arena, lines.starts, lines.ends);
    }
    byte[] buf = new byte[1 << 16];
    int len = 0;
    boolean diff = tree.isDifferential();
    for (int k = 0; k < n; k++) {
      int i = order[k];
      int stackLen = lines.ends[i] - lines.starts[i];
      if (len + stackLen + 48 > buf.length) {
        out.write(buf, 0, len);
        len = 0;
        if (stackLen + 48 > buf.length) {
          buf = new byte[stackLen + 48];
        }
      }
      System.arraycopy(lines.arena, lines.starts[i], buf, len, stackLen);
      len += stackLen;
      if (diff) {
        len = appendNumber(buf, len, lines.bases[i]);
      }
      len = appendNumber(buf, len, lines.values[i]);
      buf[len++] = '\n';
    }
    out.write(buf, 0, len);
    out.flush();
  }

  /** Every stack's bytes joined with ';' in one arena, with its counts. */
  private static final class Lines {
    private final FrameTable frames;
    byte[] arena = new byte[1 << 16];
    int used;
    int count;
    int[] starts = new int[1024];
    int[] ends = new int[1024];
    long[] values = new long[1024];
    long[] bases = new long[1024];

    Lines(FrameTable frames) {
      this.frames = frames;
    }

    void add(int[] path, int length, int node, long self, long base) {
      long need = used;
      for (int i = 0; i < length; i++) {
        need += frames.length(path[i]) + 1;
      }
      if (need > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("folded output larger than 2 GiB");
      }
      if (need > arena.length) {
        arena =
            Arrays.copyOf(
                arena, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, arena.length * 2L)));
      }
      int pos = used;
      for (int i = 0; i < length; i++) {
        if (i > 0) {
          arena[pos++] = ';';
        }
        pos = frames.copyTo(path[i], arena, pos);
      }
      if (count == starts.length) {
        int cap = count * 2;
        starts = Arrays.copyOf(starts, cap);
        ends = Arrays.copyOf(ends, cap);
        values = Arrays.copyOf(values, cap);
        bases = Arrays.copyOf(bases, cap);
      }
      starts[count] = used;
      ends[count] = pos;
      values[count] = self;
      bases[count] = base;
      count++;
      used = pos;
    }
  }

  private static int appendNumber(byte[] buf, int len, long v) {
    buf[len++] = ' ';
    byte[] digits = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, buf, len, digits.length);
    return len + digits.length;
  }

  private static void sort(int[] a, int[] tmp, int from, int to, byte[] arena, int[] st, int[] en) {
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= from && compare(arena, st, en, a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    sort(a, tmp, from, mid, arena, st, en);
    sort(a, tmp, mid, to, arena, st, en);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      tmp[k++] = compare(arena, st, en, a[i], a[j]) <= 0 ? a[i++] : a[j++];
    }
    while (i < mid) {
      tmp[k++] = a[i++];
    }
    while (j < to) {
      tmp[k++] = a[j++];
    }
    System.arraycopy(tmp, from, a, from, to - from);
  }

  private static int compare(byte[] arena, int[] st, int[] en, int x, int y) {
    return Arrays.compareUnsigned(arena, st[x], en[x], arena, st[y], en[y]);
  }
}
