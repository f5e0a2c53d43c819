package dev.uniscope.flamegraph.transform;

import dev.uniscope.flamegraph.model.FrameTable;
import dev.uniscope.flamegraph.model.StackTree;
import java.util.regex.Pattern;

/**
 * The closed set of stack rewrites. Each maps every stack of a tree to a new stack (or drops it)
 * and keeps its counts, so a rewrite never creates or loses samples except the ones it drops.
 */
public sealed interface StackTransform {

  /** Rewrites {@code tree} into a new tree sharing its frame table. */
  StackTree apply(StackTree tree);

  /** Keeps only stacks with at least one frame matching {@code frame}. */
  record Include(Pattern frame) implements StackTransform {
    @Override
    public StackTree apply(StackTree tree) {
      boolean[] m = matches(tree.frames(), frame);
      return PathRewriter.rewrite(
          tree,
          (in, n, out) -> {
            for (int i = 0; i < n; i++) {
              if (m[in[i]]) {
                System.arraycopy(in, 0, out, 0, n);
                return n;
              }
            }
            return -1;
          });
    }
  }

  /** Drops stacks with any frame matching {@code frame}. */
  record Exclude(Pattern frame) implements StackTransform {
    @Override
    public StackTree apply(StackTree tree) {
      boolean[] m = matches(tree.frames(), frame);
      return PathRewriter.rewrite(
          tree,
          (in, n, out) -> {
            for (int i = 0; i < n; i++) {
              if (m[in[i]]) {
                return -1;
              }
            }
            System.arraycopy(in, 0, out, 0, n);
            return n;
          });
    }
  }

  /**
   * Focus on a frame: keeps stacks through a matching frame and re-roots them there (at the
   * outermost match), merging every call of that frame into one tree.
   */
  record Focus(Pattern frame) implements StackTransform {
    @Override
    public StackTree apply(StackTree tree) {
      boolean[] m = matches(tree.frames(), frame);
      return PathRewriter.rewrite(
          tree,
          (in, n, out) -> {
            for (int i = 0; i < n; i++) {
              if (m[in[i]]) {
                System.arraycopy(in, i, out, 0, n - i);
                return n - i;
              }
            }
            return -1;
          });
    }
  }

  /** Removes frames matching {@code frame} (wrappers), attaching their callees to the caller. */
  record Elide(Pattern frame) implements StackTransform {
    @Override
    public StackTree apply(StackTree tree) {
      boolean[] m = matches(tree.frames(), frame);
      return PathRewriter.rewrite(
          tree,
          (in, n, out) -> {
            int k = 0;
            for (int i = 0; i < n; i++) {
              if (!m[in[i]]) {
                out[k++] = in[i];
              }
            }
            return k;
          });
    }
  }

  /** Collapses direct recursion: runs of the same frame become one frame. */
  record CollapseRecursion() implements StackTransform {
    @Override
    public StackTree apply(StackTree tree) {
      return PathRewriter.rewrite(
          tree,
          (in, n, out) -> {
            int k = 0;
            for (int i = 0; i < n; i++) {
              if (k == 0 || out[k - 1] != in[i]) {
                out[k++] = in[i];
              }
            }
            return k;
          });
    }
  }

  /** The bottom-up (inverted) tree: every stack reversed, leaves become roots. */
  record Invert() implements StackTransform {
    @Override
    public StackTree apply(StackTree tree) {
      return PathRewriter.rewrite(
          tree,
          (in, n, out) -> {
            for (int i = 0; i < n; i++) {
              out[i] = in[n - 1 - i];
            }
            return n;
          });
    }
  }

  private static boolean[] matches(FrameTable frames, Pattern p) {
    boolean[] m = new boolean[frames.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = p.matcher(frames.name(i)).find();
    }
    return m;
  }
}
