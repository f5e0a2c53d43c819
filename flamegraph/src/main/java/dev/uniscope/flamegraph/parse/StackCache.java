package dev.uniscope.flamegraph.parse;

import java.util.Arrays;

/**
 * Maps a whole sample stack (process frame + frame ids, as collected leaf first) to its tree node.
 * Real and synthetic profiles repeat stacks far more often than they add new ones; one probe here
 * plus a sequential compare replaces a hash probe per frame in the tree. Bounded: once full it
 * stops remembering new stacks (lookups still work).
 */
final class StackCache {
  private static final int MAX_ARENA = 16 << 20; // ints

  private long[] hashes = new long[1 << 12];
  private int[] nodes = new int[1 << 12]; // node + 1, 0 = empty
  private int[] offsets = new int[1 << 12];
  private int[] arena = new int[1 << 16];
  private int arenaLength;
  private int count;

  int find(int pname, int[] stack, int depth) {
    long h = hash(pname, stack, depth);
    int mask = hashes.length - 1;
    for (int i = (int) h & mask; nodes[i] != 0; i = (i + 1) & mask) {
      if (hashes[i] == h) {
        int off = offsets[i];
        if (arena[off] == depth
            && arena[off + 1] == pname
            && Arrays.equals(arena, off + 2, off + 2 + depth, stack, 0, depth)) {
          return nodes[i] - 1;
        }
      }
    }
    return -1;
  }

  void put(int pname, int[] stack, int depth, int node) {
    if (arenaLength + depth + 2 > MAX_ARENA) {
      return;
    }
    if (arenaLength + depth + 2 > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaLength + depth + 2));
    }
    int off = arenaLength;
    arena[off] = depth;
    arena[off + 1] = pname;
    System.arraycopy(stack, 0, arena, off + 2, depth);
    arenaLength += depth + 2;
    long h = hash(pname, stack, depth);
    insert(h, node + 1, off);
    if (++count * 2 > hashes.length) {
      long[] oh = hashes;
      int[] on = nodes;
      int[] oo = offsets;
      hashes = new long[oh.length * 2];
      nodes = new int[oh.length * 2];
      offsets = new int[oh.length * 2];
      for (int i = 0; i < oh.length; i++) {
        if (on[i] != 0) {
          insert(oh[i], on[i], oo[i]);
        }
      }
    }
  }

  private void insert(long h, int nodePlusOne, int off) {
    int mask = hashes.length - 1;
    int i = (int) h & mask;
    while (nodes[i] != 0) {
      i = (i + 1) & mask;
    }
    hashes[i] = h;
    nodes[i] = nodePlusOne;
    offsets[i] = off;
  }

  private static long hash(int pname, int[] stack, int depth) {
    long h = pname * 0x9E3779B97F4A7C15L + depth;
    for (int i = 0; i < depth; i++) {
      h = (h + stack[i]) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h ^ (h >>> 29);
  }
}
