package dev.uniscope.flamegraph.diff;

import dev.uniscope.flamegraph.model.FrameTable;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.util.Arrays;

/**
 * Builds a differential tree from two profiles, as {@code difffolded.pl} + flamegraph.pl do: widths
 * come from {@code after}; the {@code before} counts ride along as the baseline, so each frame's
 * delta is {@code after - before}. Stacks only in {@code before} are kept with a zero width (they
 * are invisible; negate and swap the inputs to see them).
 */
public final class Differential {
  private Differential() {}

  /**
   * @param normalize scale {@code before} to the total of {@code after} first ({@code -n})
   */
  public static StackTree compare(StackTree before, StackTree after, boolean normalize) {
    StackTreeBuilder b = new StackTreeBuilder();
    FrameTable frames = b.frames();
    double scale = 1.0;
    if (normalize && before.totalSamples() > 0) {
      scale = (double) after.totalSamples() / before.totalSamples();
    }
    double s = scale;
    copy(after, b, frames, false, 1.0);
    copy(before, b, frames, true, s);
    // Every stack must exist in both columns (0 where missing), like difffolded.pl's output.
    StackTree partial = b.build();
    partial.forEachStack(
        (path, length, node, self, base) -> {
          b.addSelf(node, 0);
          b.addBaselineSelf(node, 0);
        });
    return b.build();
  }

  private static void copy(
      StackTree src, StackTreeBuilder b, FrameTable frames, boolean baseline, double scale) {
    int[] map = new int[src.frames().size()];
    Arrays.fill(map, -1);
    src.forEachStack(
        (path, length, node, self, base) -> {
          int cur = 0;
          for (int i = 0; i < length; i++) {
            int f = path[i];
            if (map[f] < 0) {
              byte[] name = src.frames().bytes(f);
              map[f] = frames.intern(name, 0, name.length);
            }
            cur = b.child(cur, map[f]);
          }
          if (baseline) {
            b.addBaselineSelf(cur, scale == 1.0 ? self : Math.round(self * scale));
          } else {
            b.addSelf(cur, self);
          }
        });
  }
}
