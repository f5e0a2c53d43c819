package dev.uniscope.flamegraph.color;

import dev.uniscope.flamegraph.model.StackTree;

/** How a frame of a tree gets its colour: by its name, or by its change in a differential. */
public sealed interface ColorScheme {

  /** The colour of {@code node} as 0xRRGGBB. */
  int rgb(StackTree tree, int node);

  /** Picks the differential scheme for differential trees, else the palette. */
  static ColorScheme forTree(StackTree tree, Palette palette, boolean negate) {
    return tree.isDifferential() ? Differential.of(tree, negate) : new ByName(palette);
  }

  /** Palette colour from the frame name. */
  record ByName(Palette palette) implements ColorScheme {
    @Override
    public int rgb(StackTree tree, int node) {
      return palette.rgb(tree.name(node));
    }
  }

  /**
   * flamegraph.pl's differential colouring: a frame's own (self) delta against the largest
   * per-stack delta.
   */
  record Differential(long maxDelta, boolean negate) implements ColorScheme {
    public static Differential of(StackTree tree, boolean negate) {
      long max = 1;
      for (int n = 0; n < tree.size(); n++) {
        long d = Math.abs(tree.self(n) - tree.baselineSelf(n));
        max = Math.max(max, d);
      }
      return new Differential(max, negate);
    }

    @Override
    public int rgb(StackTree tree, int node) {
      return DiffColor.rgb(tree.self(node) - tree.baselineSelf(node), maxDelta, negate);
    }
  }
}
