package dev.uniscope.core.memory;

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
    java.util.Objects.checkFromIndexSize(offset, length, dst.length);
    if (length == 0) {
      return;
    }
    PageTableWalker walker = new PageTableWalker(physical, root.cr3());
    // Runs as (virtual offset, physical address, length) triples; at most one per 4 KiB page.
    long[] runs = new long[3 * 8];
    int count = 0;
    long done = 0;
    while (done < length) {
      Translation t = walker.translate(address + done);
      long n = Math.min(t.bytesToPageEnd(), length - done);
      if (count > 0
          && runs[3 * (count - 1) + 1] + runs[3 * (count - 1) + 2] == t.physicalAddress()) {
        runs[3 * (count - 1) + 2] += n;
      } else {
        if (3 * count == runs.length) {
          runs = java.util.Arrays.copyOf(runs, runs.length * 2);
        }
        runs[3 * count] = done;
        runs[3 * count + 1] = t.physicalAddress();
        runs[3 * count + 2] = n;
        count++;
      }
      done += n;
    }
    for (int i = 0; i < count; i++) {
      physical.read(runs[3 * i + 1], dst, offset + (int) runs[3 * i], (int) runs[3 * i + 2]);
    }
  }
}
