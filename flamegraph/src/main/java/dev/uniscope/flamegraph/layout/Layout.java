package dev.uniscope.flamegraph.layout;

import java.util.List;

/**
 * Rectangles of one view of a tree, ordered so every frame comes after its parent.
 *
 * @param rects the visible frames
 * @param focus the node the view is zoomed on (0 = whole tree)
 * @param total samples of the focus node (the full width)
 * @param maxDepth deepest depth among {@code rects}
 * @param pruned frames left out because they were narrower than the minimum width
 */
public record Layout(List<FrameRect> rects, int focus, long total, int maxDepth, long pruned) {

  /** The frame at pixel {@code x} on row {@code depth}, or null (for hit-testing a canvas). */
  public FrameRect at(double x, int depth) {
    for (FrameRect r : rects) {
      if (r.depth() == depth && x >= r.x() && x < r.x() + r.width()) {
        return r;
      }
    }
    return null;
  }
}
