package dev.uniscope.flamegraph.layout;

import dev.uniscope.flamegraph.color.ColorScheme;
import dev.uniscope.flamegraph.model.StackTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes flame-graph rectangles for a canvas of a given width, zoomed on a node. Level of detail:
 * a frame narrower than the minimum width is skipped with its whole subtree (children are never
 * wider than their parent), so the work is proportional to what is visible, not to the tree size: a
 * million-node tree lays out in the time of the few thousand frames that show.
 */
public final class FlameLayout {
  private final StackTree tree;
  private final ColorScheme colors;
  private final int[] colorByFrame;

  public FlameLayout(StackTree tree, ColorScheme colors) {
    this.tree = tree;
    this.colors = colors;
    if (colors instanceof ColorScheme.ByName) {
      colorByFrame = new int[tree.frames().size()];
      Arrays.fill(colorByFrame, -1);
    } else {
      colorByFrame = null;
    }
  }

  /**
   * @param focus node to zoom on (0 for everything); its ancestors are drawn full width
   * @param widthPx canvas width in pixels
   * @param minWidthPx frames narrower than this are left out (e.g. 0.1 for SVG, 1 for a canvas)
   */
  public Layout layout(int focus, double widthPx, double minWidthPx) {
    List<FrameRect> rects = new ArrayList<>();
    long total = tree.total(focus);
    double scale = total > 0 ? widthPx / total : 0;
    for (int a : ancestors(focus)) {
      rects.add(rect(a, 0, widthPx));
    }
    int maxDepth = tree.depth(focus);
    long pruned = 0;
    int[] nodes = new int[64];
    double[] xs = new double[64];
    int sp = 0;
    nodes[sp] = focus;
    xs[sp++] = 0;
    while (sp > 0) {
      sp--;
      int n = nodes[sp];
      double x = xs[sp];
      double w = n == focus ? widthPx : tree.total(n) * scale;
      rects.add(rect(n, x, w));
      maxDepth = Math.max(maxDepth, tree.depth(n));
      int kids = tree.childCount(n);
      double cx = x;
      int firstPushed = sp;
      for (int i = 0; i < kids; i++) {
        int c = tree.child(n, i);
        double cw = tree.total(c) * scale;
        if (cw >= minWidthPx && cw > 0) {
          if (sp == nodes.length) {
            nodes = Arrays.copyOf(nodes, sp * 2);
            xs = Arrays.copyOf(xs, sp * 2);
          }
          nodes[sp] = c;
          xs[sp++] = cx;
        } else {
          pruned++;
        }
        cx += cw;
      }
      reverse(nodes, xs, firstPushed, sp);
    }
    return new Layout(List.copyOf(rects), focus, total, maxDepth, pruned);
  }

  private int[] ancestors(int node) {
    int d = tree.depth(node);
    int[] a = new int[d];
    for (int n = tree.parent(node), i = d - 1; n >= 0; n = tree.parent(n), i--) {
      a[i] = n;
    }
    return a;
  }

  // Children were pushed left to right; pop them in that order too, so output is left to right.
  private static void reverse(int[] nodes, double[] xs, int from, int to) {
    for (int i = from, j = to - 1; i < j; i++, j--) {
      int tn = nodes[i];
      nodes[i] = nodes[j];
      nodes[j] = tn;
      double tx = xs[i];
      xs[i] = xs[j];
      xs[j] = tx;
    }
  }

  private FrameRect rect(int n, double x, double w) {
    return new FrameRect(
        n, tree.depth(n), x, w, tree.name(n), color(n), tree.total(n), tree.self(n));
  }

  private int color(int n) {
    if (colorByFrame == null || n == 0) {
      return colors.rgb(tree, n);
    }
    int f = tree.frame(n);
    int c = colorByFrame[f];
    if (c < 0) {
      c = colors.rgb(tree, n);
      colorByFrame[f] = c;
    }
    return c;
  }
}
