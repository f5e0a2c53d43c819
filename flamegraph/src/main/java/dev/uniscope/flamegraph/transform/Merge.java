package dev.uniscope.flamegraph.transform;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;

/** Merges profiles: the result's count for each stack is the sum over the inputs. */
public final class Merge {
  private Merge() {}

  public static StackTree of(StackTree... trees) {
    StackTreeBuilder b = new StackTreeBuilder();
    for (StackTree t : trees) {
      b.addAll(t);
    }
    return b.build();
  }
}
