package dev.uniscope.flamegraph.model;

/** Receives one stack (root first, as frame ids) and the counts that end exactly there. */
@FunctionalInterface
public interface StackVisitor {
  /**
   * @param frames frame ids root to leaf; valid only during the call
   * @param length number of frames used in {@code frames}
   * @param node the tree node of the leaf
   * @param self count ending at this stack (the second profile in a differential tree)
   * @param baselineSelf count of the first profile in a differential tree, else 0
   */
  void visit(int[] frames, int length, int node, long self, long baselineSelf);
}
