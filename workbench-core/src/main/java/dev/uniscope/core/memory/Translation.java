package dev.uniscope.core.memory;

/**
 * Where a virtual address lives: the physical address, and the page that maps it.
 *
 * @param pageSize 4 KiB, 2 MiB or 1 GiB
 */
public record Translation(long virtualAddress, long physicalAddress, long pageSize) {
  /** Bytes from the address to the end of its page. */
  public long bytesToPageEnd() {
    return pageSize - (virtualAddress & (pageSize - 1));
  }
}
