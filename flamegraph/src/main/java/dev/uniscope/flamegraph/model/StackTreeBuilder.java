package dev.uniscope.flamegraph.model;

import java.util.Arrays;
import java.util.List;

/**
 * Builds a {@link StackTree} incrementally: interned frames, nodes in primitive arrays, and a hash
 * from (parent, frame) to child so adding a stack costs one probe per frame.
 *
 * <p>In sequential mode (a time-ordered flame chart) a stack merges only with the most recently
 * added child at each level, so the input order survives as the x order.
 */
public final class StackTreeBuilder {
  private final FrameTable frames;
  private final boolean sequential;
  private int[] frame = new int[1024];
  private int[] parent = new int[1024];
  private int[] lastChild = new int[1024];
  private long[] self = new long[1024];
  private long[] baseline;
  // Nodes where some stack ends, even with a zero count (the Perl tools print those too).
  private long[] ends = new long[16];
  private int count = 1;
  // Open addressing over pairs {parent << 32 | frame, node + 1} in one array, so a probe touches
  // one cache line; value 0 = empty. Unused in sequential mode.
  private long[] table = new long[4096];
  private int[] scratch = new int[64];

  /** A builder for an aggregated (alphabetically ordered) flame graph tree. */
  public StackTreeBuilder() {
    this(new FrameTable(), false);
  }

  /**
   * @param frames the table to intern into (shared when several trees must use the same ids)
   * @param sequential keep input order, merging only with the latest sibling (flame chart)
   */
  public StackTreeBuilder(FrameTable frames, boolean sequential) {
    this.frames = frames;
    this.sequential = sequential;
    frame[0] = -1;
    parent[0] = -1;
    lastChild[0] = -1;
  }

  public FrameTable frames() {
    return frames;
  }

  public boolean sequential() {
    return sequential;
  }

  /** The child of {@code parentNode} for {@code frameId}, created if absent. */
  public int child(int parentNode, int frameId) {
    if (sequential) {
      int last = lastChild[parentNode];
      if (last >= 0 && frame[last] == frameId) {
        return last;
      }
      return newNode(parentNode, frameId);
    }
    long key = ((long) parentNode << 32) | (frameId & 0xFFFFFFFFL);
    int mask = (table.length >>> 1) - 1;
    int i = mix(key) & mask;
    while (true) {
      long v = table[2 * i + 1];
      if (v == 0) {
        break;
      }
      if (table[2 * i] == key) {
        return (int) v - 1;
      }
      i = (i + 1) & mask;
    }
    int node = newNode(parentNode, frameId);
    table[2 * i] = key;
    table[2 * i + 1] = node + 1;
    if (count > table.length >>> 2) {
      rehash();
    }
    return node;
  }

  /** Adds {@code n} to the count ending at {@code node} (saturating). */
  public void addSelf(int node, long n) {
    self[node] = Counts.add(self[node], n);
    markEnd(node);
  }

  private void markEnd(int node) {
    int w = node >>> 6;
    if (w >= ends.length) {
      ends = Arrays.copyOf(ends, Math.max(w + 1, ends.length * 2));
    }
    ends[w] |= 1L << node;
  }

  /** Adds to the first-profile count of a differential tree. */
  public void addBaselineSelf(int node, long n) {
    if (baseline == null) {
      baseline = new long[frame.length];
    }
    baseline[node] = Counts.add(baseline[node], n);
    markEnd(node);
  }

  /** Adds a stack given root first as frame ids. */
  public int add(int[] frameIds, int length, long n) {
    int node = 0;
    for (int i = 0; i < length; i++) {
      node = child(node, frameIds[i]);
    }
    addSelf(node, n);
    return node;
  }

  /** Adds a stack given root first as names. */
  public int add(List<String> names, long n) {
    if (scratch.length < names.size()) {
      scratch = new int[names.size()];
    }
    for (int i = 0; i < names.size(); i++) {
      scratch[i] = frames.intern(names.get(i));
    }
    return add(scratch, names.size(), n);
  }

  /** Adds every stack of {@code tree}, re-interning its frames into this builder's table. */
  public void addAll(StackTree tree) {
    int[] map = new int[tree.frames().size()];
    Arrays.fill(map, -1);
    FrameTable src = tree.frames();
    tree.forEachStack(
        (path, length, node, s, b) -> {
          int cur = 0;
          for (int i = 0; i < length; i++) {
            int f = path[i];
            int m = map[f];
            if (m < 0) {
              byte[] bytes = src.bytes(f);
              m = frames.intern(bytes, 0, bytes.length);
              map[f] = m;
            }
            cur = child(cur, m);
          }
          if (s != 0) {
            addSelf(cur, s);
          }
          if (b != 0) {
            addBaselineSelf(cur, b);
          }
        });
  }

  /** Number of nodes so far, the root included. */
  public int nodeCount() {
    return count;
  }

  /** Freezes the current content into a tree; the builder may keep being used. */
  public StackTree build() {
    return StackTree.of(
        frames,
        count,
        Arrays.copyOf(frame, count),
        Arrays.copyOf(parent, count),
        Arrays.copyOf(self, count),
        baseline == null ? null : Arrays.copyOf(baseline, count),
        Arrays.copyOf(ends, (count + 63) >>> 6),
        !sequential);
  }

  private int newNode(int parentNode, int frameId) {
    if (count == frame.length) {
      int n = count * 2;
      frame = Arrays.copyOf(frame, n);
      parent = Arrays.copyOf(parent, n);
      lastChild = Arrays.copyOf(lastChild, n);
      self = Arrays.copyOf(self, n);
      if (baseline != null) {
        baseline = Arrays.copyOf(baseline, n);
      }
    } else if (baseline != null && baseline.length < frame.length) {
      baseline = Arrays.copyOf(baseline, frame.length);
    }
    int node = count++;
    frame[node] = frameId;
    parent[node] = parentNode;
    lastChild[node] = -1;
    lastChild[parentNode] = node;
    return node;
  }

  private void rehash() {
    long[] next = new long[table.length * 2];
    int mask = (next.length >>> 1) - 1;
    for (int i = 0; i < table.length; i += 2) {
      if (table[i + 1] != 0) {
        int j = mix(table[i]) & mask;
        while (next[2 * j + 1] != 0) {
          j = (j + 1) & mask;
        }
        next[2 * j] = table[i];
        next[2 * j + 1] = table[i + 1];
      }
    }
    table = next;
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
