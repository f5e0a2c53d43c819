package dev.uniscope.core.analysis.timeline;

import java.util.Arrays;

/**
 * Dense ids for long keys (addresses, vectors), by open addressing over primitive arrays: lets
 * per-event code keep per-key data in arrays without boxing a {@code Long} per lookup.
 */
public final class LongIndex {
  private long[] keys = new long[64];
  private int[] slots = new int[64]; // id + 1, 0 = empty
  private long[] byId = new long[32];
  private int size;

  /** The id of {@code key}, or -1 if absent. */
  public int find(long key) {
    int mask = slots.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      int s = slots[i];
      if (s == 0) {
        return -1;
      }
      if (keys[i] == key) {
        return s - 1;
      }
    }
  }

  /** The id of {@code key}, assigning the next one (0, 1, ...) if new. */
  public int intern(long key) {
    int mask = slots.length - 1;
    int i = mix(key) & mask;
    while (slots[i] != 0) {
      if (keys[i] == key) {
        return slots[i] - 1;
      }
      i = (i + 1) & mask;
    }
    int id = size++;
    keys[i] = key;
    slots[i] = id + 1;
    if (id == byId.length) {
      byId = Arrays.copyOf(byId, id * 2);
    }
    byId[id] = key;
    if (size * 2 > slots.length) {
      grow();
    }
    return id;
  }

  /** The key that has {@code id}. */
  public long key(int id) {
    return byId[id];
  }

  public int size() {
    return size;
  }

  private void grow() {
    long[] k = keys;
    int[] s = slots;
    keys = new long[k.length * 2];
    slots = new int[s.length * 2];
    int mask = slots.length - 1;
    for (int j = 0; j < k.length; j++) {
      if (s[j] != 0) {
        int i = mix(k[j]) & mask;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = k[j];
        slots[i] = s[j];
      }
    }
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29));
  }
}
