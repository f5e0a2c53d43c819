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
    FrameTable frames = tree.frames();
    int[] count = {0};
    int[] cap = {1024};
    int[][] starts = {new int[1024]};
    int[][] ends = {new int[1024]};
    long[][] values = {new long[1024]};
    long[][] bases = {new long[1024]};
    byte[][] arena = {new byte[1 << 16]};
    int[] used = {0};
    tree.forEachStack(
        (path, length, node, self, base) -> {
          int need = used[0];
          for (int i = 0; i < length; i++) {
            need += frames.length(path[i]) + 1;
          }
          if (need > arena[0].length) {
            arena[0] = Arrays.copyOf(arena[0], Math.max(need, arena[0].length * 2));
          }
          int start = used[0];
          int pos = start;
          for (int i = 0; i < length; i++) {
            if (i > 0) {
              arena[0][pos++] = ';';
            }
            pos = frames.copyTo(path[i], arena[0], pos);
          }
          used[0] = pos;
          int n = count[0];
          if (n == cap[0]) {
            cap[0] *= 2;
            starts[0] = Arrays.copyOf(starts[0], cap[0]);
            ends[0] = Arrays.copyOf(ends[0], cap[0]);
            values[0] = Arrays.copyOf(values[0], cap[0]);
            bases[0] = Arrays.copyOf(bases[0], cap[0]);
          }
          starts[0][n] = start;
          ends[0][n] = pos;
          values[0][n] = self;
          bases[0][n] = base;
          count[0] = n + 1;
        });
    int n = count[0];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    byte[] a = arena[0];
    int[] st = starts[0];
    int[] en = ends[0];
    if (tree.sortedByName()) {
      sort(order, new int[n], 0, n, a, st, en);
    }
    byte[] buf = new byte[1 << 16];
    int len = 0;
    boolean diff = tree.isDifferential();
    for (int k = 0; k < n; k++) {
      int i = order[k];
      int stackLen = en[i] - st[i];
      if (len + stackLen + 48 > buf.length) {
        out.write(buf, 0, len);
        len = 0;
        if (stackLen + 48 > buf.length) {
          buf = new byte[stackLen + 48];
        }
      }
      System.arraycopy(a, st[i], buf, len, stackLen);
      len += stackLen;
      if (diff) {
        len = appendNumber(buf, len, bases[0][i]);
      }
      len = appendNumber(buf, len, values[0][i]);
      buf[len++] = '\n';
    }
    out.write(buf, 0, len);
    out.flush();
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
