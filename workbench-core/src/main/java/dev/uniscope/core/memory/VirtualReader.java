package dev.uniscope.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Virtual reads through the target's own page tables: the range is translated page by page with one
 * {@link PageTableWalker} (tables read once), physically contiguous pages are coalesced, and each
 * run is one physical read. Nothing is read until the whole range has translated, so an unmapped
 * page fails the read before any data moves.
 */
final class VirtualReader implements MemoryReader {
  /** Supplies the page-table root at the time of the read (CR3 may be re-read on a live target). */
  interface Root {
    long cr3() throws MemoryAccessException;
  }

  /** {@code length} bytes at physical {@code physical} go to {@code offset} of the result. */
  private record Run(int offset, long physical, int length) {}

  private final MemoryReader physical;
  private final Root root;

  VirtualReader(MemoryReader physical, Root root) {
    this.physical = physical;
    this.root = root;
  }

  Translation translate(long va) throws MemoryAccessException {
    return new PageTableWalker(physical, root.cr3()).translate(va);
  }

  @Override
  public void read(long address, byte[] dst, int offset, int length) throws MemoryAccessException {
    MemoryReader.checkRange(address, length);
    Objects.checkFromIndexSize(offset, length, dst.length);
    if (length == 0) {
      return;
    }
    PageTableWalker walker = new PageTableWalker(physical, root.cr3());
    // At most one run per 4 KiB page, and MAX_READ bounds the length.
    List<Run> runs = new ArrayList<>();
    int done = 0;
    while (done < length) {
      Translation t = walker.translate(address + done);
      int n = (int) Math.min(t.bytesToPageEnd(), length - done);
      Run last = runs.isEmpty() ? null : runs.getLast();
      if (last != null && last.physical() + last.length() == t.physicalAddress()) {
        runs.set(runs.size() - 1, new Run(last.offset(), last.physical(), last.length() + n));
      } else {
        runs.add(new Run(done, t.physicalAddress(), n));
      }
      done += n;
    }
    for (Run r : runs) {
      physical.read(r.physical(), dst, offset + r.offset(), r.length());
    }
  }
}
