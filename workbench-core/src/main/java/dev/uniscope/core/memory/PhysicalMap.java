package dev.uniscope.core.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which guest-physical addresses exist: sorted, merged {@link PhysicalRange}s. Reads outside them
 * are refused before they reach the target, because a physical read through the gdb stub returns
 * made-up bytes for holes and may touch device registers for MMIO.
 */
public final class PhysicalMap {
  private final List<PhysicalRange> ranges;
  private final String source;

  /**
   * @param source what the map describes, for error messages (e.g. "the dump vm.core")
   */
  public PhysicalMap(List<PhysicalRange> ranges, String source) {
    this.ranges = merge(ranges);
    this.source = source;
  }

  public List<PhysicalRange> ranges() {
    return ranges;
  }

  /** Total bytes covered. */
  public long totalBytes() {
    long t = 0;
    for (PhysicalRange r : ranges) {
      t += r.size();
    }
    return t;
  }

  /**
   * Checks that {@code [address, address + length)} lies in existing memory (it may span adjacent
   * ranges that were merged); names the first absent address otherwise.
   */
  public void check(long address, long length) throws MemoryAccessException {
    MemoryReader.checkRange(address, length);
    if (length == 0) {
      return;
    }
    PhysicalRange r = find(address);
    if (r == null) {
      throw new AbsentMemoryException(address, "not in " + source);
    }
    long last = address + length - 1;
    if (Long.compareUnsigned(last, r.last()) > 0) {
      throw new AbsentMemoryException(r.last() + 1, "not in " + source);
    }
  }

  /** The range holding {@code address}, or null. */
  public PhysicalRange find(long address) {
    int lo = 0;
    int hi = ranges.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      PhysicalRange r = ranges.get(mid);
      if (Long.compareUnsigned(address, r.start()) < 0) {
        hi = mid - 1;
      } else if (Long.compareUnsigned(address, r.last()) > 0) {
        lo = mid + 1;
      } else {
        return r;
      }
    }
    return null;
  }

  private static List<PhysicalRange> merge(List<PhysicalRange> in) {
    List<PhysicalRange> sorted = new ArrayList<>(in);
    sorted.sort(Comparator.comparing(PhysicalRange::start, Long::compareUnsigned));
    List<PhysicalRange> out = new ArrayList<>();
    for (PhysicalRange r : sorted) {
      if (!out.isEmpty()) {
        PhysicalRange prev = out.getLast();
        // Overlapping or adjacent (prev.last() + 1 == r.start(), unless prev ends at 2^64 - 1).
        if (prev.last() == -1L || Long.compareUnsigned(r.start(), prev.last() + 1) <= 0) {
          long last = Long.compareUnsigned(r.last(), prev.last()) > 0 ? r.last() : prev.last();
          out.set(out.size() - 1, new PhysicalRange(prev.start(), last - prev.start() + 1));
          continue;
        }
      }
      out.add(r);
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return ranges.toString();
  }
}
