package dev.uniscope.flamegraph.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interned frame names. Names are kept as raw bytes (perf and folded files are byte streams; the
 * Perl tools compare bytes too) in one arena, addressed by a dense int id.
 */
public final class FrameTable {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] arena = new byte[1 << 16];
  private int arenaLength;
  private int[] starts = new int[1024];
  private int[] lengths = new int[1024];
  private int[] hashes = new int[1024];
  private String[] decoded = new String[1024];
  private int count;
  // Open addressing: slot holds id + 1, 0 = empty.
  private int[] slots = new int[2048];

  /** Returns the id of the name in {@code bytes[offset, offset + length)}, adding it if new. */
  public int intern(byte[] bytes, int offset, int length) {
    int h = hash(bytes, offset, length);
    int mask = slots.length - 1;
    int i = h & mask;
    while (true) {
      int s = slots[i];
      if (s == 0) {
        break;
      }
      int id = s - 1;
      if (hashes[id] == h
          && lengths[id] == length
          && Arrays.equals(
              arena, starts[id], starts[id] + length, bytes, offset, offset + length)) {
        return id;
      }
      i = (i + 1) & mask;
    }
    int id = add(bytes, offset, length, h);
    slots[i] = id + 1;
    if (count * 2 > slots.length) {
      rehash();
    }
    return id;
  }

  /** Interns a name given as text (UTF-8). */
  public int intern(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    return intern(b, 0, b.length);
  }

  /** Number of distinct names. */
  public int size() {
    return count;
  }

  /** The name as text; invalid UTF-8 is replaced, never rejected. */
  public String name(int id) {
    String s = decoded[id];
    if (s == null) {
      s = new String(arena, starts[id], lengths[id], StandardCharsets.UTF_8);
      decoded[id] = s;
    }
    return s;
  }

  /** Length of the name in bytes. */
  public int length(int id) {
    return lengths[id];
  }

  /** Copies the name's bytes into {@code dest} at {@code pos}; returns the position after it. */
  public int copyTo(int id, byte[] dest, int pos) {
    System.arraycopy(arena, starts[id], dest, pos, lengths[id]);
    return pos + lengths[id];
  }

  /** The name's bytes (a copy). */
  public byte[] bytes(int id) {
    return Arrays.copyOfRange(arena, starts[id], starts[id] + lengths[id]);
  }

  /** Byte-wise comparison of two names, as Perl's {@code cmp} does on byte strings. */
  public int compare(int a, int b) {
    return Arrays.compareUnsigned(
        arena, starts[a], starts[a] + lengths[a], arena, starts[b], starts[b] + lengths[b]);
  }

  /** True if the name ends with the given ASCII suffix. */
  public boolean endsWith(int id, String asciiSuffix) {
    int n = asciiSuffix.length();
    if (lengths[id] < n) {
      return false;
    }
    int base = starts[id] + lengths[id] - n;
    for (int i = 0; i < n; i++) {
      if (arena[base + i] != (byte) asciiSuffix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int add(byte[] bytes, int offset, int length, int h) {
    if (count == starts.length) {
      int n = count * 2;
      starts = Arrays.copyOf(starts, n);
      lengths = Arrays.copyOf(lengths, n);
      hashes = Arrays.copyOf(hashes, n);
      decoded = Arrays.copyOf(decoded, n);
    }
    if (arenaLength + length > arena.length) {
      long want = Math.max((long) arena.length * 2, (long) arenaLength + length);
      if (want > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("frame names exceed 2 GiB");
      }
      arena = Arrays.copyOf(arena, (int) want);
    }
    System.arraycopy(bytes, offset, arena, arenaLength, length);
    starts[count] = arenaLength;
    lengths[count] = length;
    hashes[count] = h;
    arenaLength += length;
    return count++;
  }

  private void rehash() {
    int[] next = new int[slots.length * 2];
    int mask = next.length - 1;
    for (int id = 0; id < count; id++) {
      int i = hashes[id] & mask;
      while (next[i] != 0) {
        i = (i + 1) & mask;
      }
      next[i] = id + 1;
    }
    slots = next;
  }

  static int hash(byte[] b, int off, int len) {
    long h = 0x9E3779B97F4A7C15L ^ len;
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      h =
          Long.rotateLeft(h ^ ((long) LONGS.get(b, i) * 0xC2B2AE3D27D4EB4FL), 31)
              * 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (int shift = 0; i < end; i++, shift += 8) {
      tail |= (b[i] & 0xFFL) << shift;
    }
    h = Long.rotateLeft(h ^ (tail * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    return (int) h;
  }
}
