package dev.uniscope.core.symbols.dwarf;

import java.util.Arrays;

/**
 * Growable primitive storage for line rows while programs run, turned into a {@link LineTable} at
 * the end: sequences sorted by start address, overlapping or non-monotonic ones dropped (they
 * cannot be looked up unambiguously), and an end marker after each.
 */
final class RowBuffer {
  static final int UNKNOWN_FILE = -2;
  private static final int END_MARKER = -1;

  private long[] addresses = new long[256];
  private int[] files = new int[256];
  private int[] lines = new int[256];
  private int size;

  // Closed sequences: first row, row count (marker included), start and end address.
  private int[] seqFirst = new int[16];
  private int[] seqCount = new int[16];
  private int sequences;

  private int sequenceStart;
  private boolean monotonic;

  void beginSequence() {
    sequenceStart = size;
    monotonic = true;
  }

  void add(long address, int fileId, long line) {
    if (size > sequenceStart) {
      long previous = addresses[size - 1];
      if (previous == address) {
        size--; // the last row at an address wins, as in addr2line
      } else if (Long.compareUnsigned(previous, address) > 0) {
        monotonic = false;
      }
    }
    append(address, fileId, (int) Math.max(0, Math.min(line, Integer.MAX_VALUE)));
  }

  void endSequence(long address) {
    if (size > sequenceStart && Long.compareUnsigned(addresses[size - 1], address) > 0) {
      monotonic = false;
    }
    append(address, END_MARKER, 0);
    if (!monotonic || size - sequenceStart < 2) {
      size = sequenceStart;
      return;
    }
    if (sequences == seqFirst.length) {
      seqFirst = Arrays.copyOf(seqFirst, sequences * 2);
      seqCount = Arrays.copyOf(seqCount, sequences * 2);
    }
    seqFirst[sequences] = sequenceStart;
    seqCount[sequences] = size - sequenceStart;
    sequences++;
  }

  void abandonSequence() {
    size = sequenceStart;
  }

  LineTable build(String[] fileNames) {
    Integer[] order = new Integer[sequences];
    for (int i = 0; i < sequences; i++) {
      order[i] = i;
    }
    // By start address; of sequences starting together, the longest first.
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Long.compareUnsigned(start(a), start(b));
          return c != 0 ? c : Long.compareUnsigned(end(b), end(a));
        });
    long[] keys = new long[size];
    int[] outFiles = new int[size];
    int[] outLines = new int[size];
    int n = 0;
    boolean any = false;
    long lastEnd = 0;
    for (int s : order) {
      if (any && Long.compareUnsigned(start(s), lastEnd) < 0) {
        continue; // overlaps the previous sequence
      }
      for (int r = seqFirst[s]; r < seqFirst[s] + seqCount[s]; r++) {
        keys[n] = addresses[r] ^ Long.MIN_VALUE;
        outFiles[n] = files[r] == UNKNOWN_FILE ? END_MARKER : files[r];
        outLines[n] = lines[r];
        n++;
      }
      lastEnd = end(s);
      any = true;
    }
    return new LineTable(
        Arrays.copyOf(keys, n), Arrays.copyOf(outFiles, n), Arrays.copyOf(outLines, n), fileNames);
  }

  private long start(int seq) {
    return addresses[seqFirst[seq]];
  }

  private long end(int seq) {
    return addresses[seqFirst[seq] + seqCount[seq] - 1];
  }

  private void append(long address, int fileId, int line) {
    if (size == addresses.length) {
      int capacity = size * 2;
      addresses = Arrays.copyOf(addresses, capacity);
      files = Arrays.copyOf(files, capacity);
      lines = Arrays.copyOf(lines, capacity);
    }
    addresses[size] = address;
    files[size] = fileId;
    lines[size] = line;
    size++;
  }
}
