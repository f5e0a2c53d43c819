package dev.uniscope.flamegraph.model;

/**
 * An immutable stack tree: node 0 is the synthetic root ("all"); every other node is a frame under
 * its parent. Per node it keeps the count ending there ({@link #self}) and the count of its whole
 * subtree ({@link #total}); a differential tree also keeps the first profile's counts ({@link
 * #baselineSelf}, {@link #baselineTotal}). All data sits in primitive arrays so a million nodes
 * stay cheap.
 */
public final class StackTree {
  private final FrameTable frames;
  private final int size;
  private final int[] frame;
  private final int[] parent;
  private final int[] depth;
  private final long[] self;
  private final long[] total;
  private final long[] baselineSelf;
  private final long[] baselineTotal;
  private final long[] ends;
  private final int[] childStart;
  private final int[] children;
  private final int maxDepth;
  private final boolean sortedByName;

  private StackTree(
      FrameTable frames,
      int size,
      int[] frame,
      int[] parent,
      int[] depth,
      long[] self,
      long[] total,
      long[] baselineSelf,
      long[] baselineTotal,
      long[] ends,
      int[] childStart,
      int[] children,
      int maxDepth,
      boolean sortedByName) {
    this.frames = frames;
    this.size = size;
    this.frame = frame;
    this.parent = parent;
    this.depth = depth;
    this.self = self;
    this.total = total;
    this.baselineSelf = baselineSelf;
    this.baselineTotal = baselineTotal;
    this.ends = ends;
    this.childStart = childStart;
    this.children = children;
    this.maxDepth = maxDepth;
    this.sortedByName = sortedByName;
  }

  static StackTree of(
      FrameTable frames,
      int size,
      int[] frame,
      int[] parent,
      long[] self,
      long[] baseline,
      long[] ends,
      boolean sortByName) {
    int[] depth = new int[size];
    int maxDepth = 0;
    int[] childCount = new int[size + 1];
    for (int n = 1; n < size; n++) {
      // Parents are always created before their children, so one forward pass suffices.
      depth[n] = depth[parent[n]] + 1;
      maxDepth = Math.max(maxDepth, depth[n]);
      childCount[parent[n]]++;
    }
    long[] total = self.clone();
    long[] baseTotal = baseline == null ? null : baseline.clone();
    for (int n = size - 1; n > 0; n--) {
      total[parent[n]] = Counts.add(total[parent[n]], total[n]);
      if (baseTotal != null) {
        baseTotal[parent[n]] = Counts.add(baseTotal[parent[n]], baseTotal[n]);
      }
    }
    int[] start = new int[size + 1];
    for (int n = 0; n < size; n++) {
      start[n + 1] = start[n] + childCount[n];
    }
    int[] fill = new int[size];
    int[] kids = new int[Math.max(0, size - 1)];
    for (int n = 1; n < size; n++) {
      int p = parent[n];
      kids[start[p] + fill[p]++] = n;
    }
    if (sortByName) {
      int[] tmp = new int[kids.length];
      for (int n = 0; n < size; n++) {
        if (start[n + 1] - start[n] > 1) {
          sortByName(kids, tmp, start[n], start[n + 1], frames, frame);
        }
      }
    }
    return new StackTree(
        frames,
        size,
        frame,
        parent,
        depth,
        self,
        total,
        baseline,
        baseTotal,
        ends,
        start,
        kids,
        maxDepth,
        sortByName);
  }

  private static void sortByName(
      int[] a, int[] tmp, int from, int to, FrameTable frames, int[] frame) {
    if (to - from <= 12) {
      for (int i = from + 1; i < to; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= from && frames.compare(frame[a[j]], frame[v]) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    sortByName(a, tmp, from, mid, frames, frame);
    sortByName(a, tmp, mid, to, frames, frame);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      tmp[k++] = frames.compare(frame[a[i]], frame[a[j]]) <= 0 ? a[i++] : a[j++];
    }
    while (i < mid) {
      tmp[k++] = a[i++];
    }
    while (j < to) {
      tmp[k++] = a[j++];
    }
    System.arraycopy(tmp, from, a, from, to - from);
  }

  public FrameTable frames() {
    return frames;
  }

  /** Number of nodes, the root included. */
  public int size() {
    return size;
  }

  public int root() {
    return 0;
  }

  /** Frame id of a node; -1 for the root. */
  public int frame(int node) {
    return frame[node];
  }

  /** The node's frame name; "all" for the root. */
  public String name(int node) {
    return node == 0 ? "all" : frames.name(frame[node]);
  }

  /** Parent node; -1 for the root. */
  public int parent(int node) {
    return parent[node];
  }

  /** Depth: 0 for the root, 1 for its children. */
  public int depth(int node) {
    return depth[node];
  }

  public int maxDepth() {
    return maxDepth;
  }

  /** Count of samples whose stack ends at this node (the second profile when differential). */
  public long self(int node) {
    return self[node];
  }

  /** Count of samples in this node's subtree; this is what a frame's width shows. */
  public long total(int node) {
    return total[node];
  }

  /** Sum of all samples. */
  public long totalSamples() {
    return total[0];
  }

  /** True if the tree compares two profiles. */
  public boolean isDifferential() {
    return baselineSelf != null;
  }

  /** First-profile count ending here (0 when not differential). */
  public long baselineSelf(int node) {
    return baselineSelf == null ? 0 : baselineSelf[node];
  }

  /** First-profile count of the subtree (0 when not differential). */
  public long baselineTotal(int node) {
    return baselineTotal == null ? 0 : baselineTotal[node];
  }

  /** Children are in byte-wise name order (else in insertion order: a flame chart). */
  public boolean sortedByName() {
    return sortedByName;
  }

  public int childCount(int node) {
    return childStart[node + 1] - childStart[node];
  }

  public int child(int node, int index) {
    return children[childStart[node] + index];
  }

  /** True if some input stack ends at this node (even with a zero count). */
  public boolean isStackEnd(int node) {
    return (ends[node >>> 6] & (1L << node)) != 0;
  }

  /** Frames from the root's child down to {@code node}. */
  public int[] path(int node) {
    int[] p = new int[depth[node]];
    for (int n = node, i = p.length - 1; n > 0; n = parent[n], i--) {
      p[i] = frame[n];
    }
    return p;
  }

  /**
   * Visits every node where a stack ends (self or baseline self non-zero), depth first in child
   * order, with the path from the root.
   */
  public void forEachStack(StackVisitor visitor) {
    int[] path = new int[maxDepth + 1];
    int[] stack = new int[size];
    int sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      int n = stack[--sp];
      int d = depth[n];
      if (n != 0) {
        path[d - 1] = frame[n];
      }
      long b = baselineSelf == null ? 0 : baselineSelf[n];
      if (isStackEnd(n)) {
        visitor.visit(path, d, n, self[n], b);
      }
      for (int i = childStart[n + 1] - 1; i >= childStart[n]; i--) {
        stack[sp++] = children[i];
      }
    }
  }
}
