package dev.uniscope.ui.timeline;

import dev.uniscope.core.analysis.timeline.Spans;
import java.util.ArrayList;
import java.util.List;

/**
 * Level of detail for one lane: spans at least {@link #MIN_BLOCK_PX} wide become blocks; narrower
 * ones are summed into one-pixel columns (busy fraction, and the key with the most time there), so
 * drawing costs the visible spans plus the width, never one shape per event.
 *
 * @param busy per column, the fraction of its time covered by non-skipped spans (0..1)
 * @param key per column, the key with the most time in it (valid when {@code busy > 0})
 * @param blocks the wide spans, in start order
 */
public record LaneBins(double[] busy, long[] key, List<Block> blocks) {
  public static final double MIN_BLOCK_PX = 3;

  /** One drawn span: pixel range and its index in the source {@link Spans}. */
  public record Block(double x0, double x1, long key, int index) {}

  /**
   * @param skipKey spans with this key are not drawn (the idle thread, 0), or {@code
   *     Long.MIN_VALUE}
   */
  public static LaneBins of(Spans s, long from, long to, int width, long skipKey) {
    int w = Math.max(1, width);
    double[] busyNs = new double[w];
    double[] bestNs = new double[w];
    long[] key = new long[w];
    List<Block> blocks = new ArrayList<>();
    double nsPerPx = (to - from) / (double) w;
    if (to <= from || s.size() == 0) {
      return new LaneBins(new double[w], key, blocks);
    }
    int i = Math.max(0, s.firstStartingAtOrAfter(from) - 1);
    // Nested spans (IRQs) that began earlier may still cover the window: look back a little.
    for (int back = 0; back < 64 && i > 0 && s.end(i - 1) > from; back++) {
      i--;
    }
    for (; i < s.size() && s.start(i) < to; i++) {
      if (s.key(i) == skipKey || s.end(i) <= from) {
        continue;
      }
      long a = Math.max(s.start(i), from);
      long b = Math.min(s.end(i), to);
      double x0 = (a - from) / nsPerPx;
      double x1 = (b - from) / nsPerPx;
      if (x1 - x0 >= MIN_BLOCK_PX) {
        blocks.add(new Block(x0, x1, s.key(i), i));
        continue;
      }
      int c0 = (int) Math.min(w - 1, Math.floor(x0));
      int c1 = (int) Math.min(w - 1, Math.floor(Math.max(x0, x1 - 1e-9)));
      for (int c = c0; c <= c1; c++) {
        double colFrom = from + c * nsPerPx;
        double ns = Math.min(b, colFrom + nsPerPx) - Math.max(a, colFrom);
        if (ns <= 0) {
          continue;
        }
        busyNs[c] += ns;
        if (ns > bestNs[c]) {
          bestNs[c] = ns;
          key[c] = s.key(i);
        }
      }
    }
    double[] busy = new double[w];
    for (int c = 0; c < w; c++) {
      busy[c] = Math.min(1.0, busyNs[c] / nsPerPx);
    }
    return new LaneBins(busy, key, blocks);
  }
}
