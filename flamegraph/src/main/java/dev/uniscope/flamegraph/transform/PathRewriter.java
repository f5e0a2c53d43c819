package dev.uniscope.flamegraph.transform;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;

/** Rebuilds a tree by mapping each stack's frame path. */
final class PathRewriter {
  /** Writes the new path into {@code out} and returns its length, or -1 to drop the stack. */
  @FunctionalInterface
  interface PathMap {
    int map(int[] in, int length, int[] out);
  }

  private PathRewriter() {}

  static StackTree rewrite(StackTree tree, PathMap map) {
    StackTreeBuilder b = new StackTreeBuilder(tree.frames(), !tree.sortedByName());
    int[] out = new int[tree.maxDepth() + 1];
    tree.forEachStack(
        (path, length, node, self, base) -> {
          int n = map.map(path, length, out);
          if (n < 0) {
            return;
          }
          int cur = b.add(out, n, self);
          if (tree.isDifferential()) {
            b.addBaselineSelf(cur, base);
          }
        });
    return b.build();
  }
}
