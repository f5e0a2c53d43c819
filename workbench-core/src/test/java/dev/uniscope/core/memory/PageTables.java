package dev.uniscope.core.memory;

/**
 * Builds x86-64 4-level page tables inside a {@link PhysicalBytes}: tables are taken from a pool
 * starting at {@code poolStart}, one 4 KiB page each, as a kernel would.
 */
final class PageTables {
  static final long KIB4 = 1L << 12;
  static final long MIB2 = 1L << 21;
  static final long GIB1 = 1L << 30;
  private static final long TABLE = PageTableWalker.PRESENT | 2; // present, writable

  final PhysicalBytes memory;
  final long root;
  private long next;

  PageTables(PhysicalBytes memory, long poolStart) {
    this.memory = memory;
    this.root = poolStart;
    this.next = poolStart + KIB4;
  }

  /** Maps one page of {@code size} (4 KiB, 2 MiB or 1 GiB) at {@code va} to {@code pa}. */
  void map(long va, long pa, long size) {
    int leafLevel = size == GIB1 ? 1 : size == MIB2 ? 2 : 3;
    long table = root;
    for (int level = 0; level < leafLevel; level++) {
      long slot = table + 8 * index(va, level);
      long e = memory.getLong(slot);
      if ((e & 1) == 0) {
        long t = next;
        next += KIB4;
        e = t | TABLE;
        memory.putLong(slot, e);
      }
      table = e & PageTableWalker.ADDRESS_MASK;
    }
    long leaf = pa | 1 | (leafLevel < 3 ? PageTableWalker.PAGE_SIZE_BIT : 0) | (1L << 63);
    memory.putLong(table + 8 * index(va, leafLevel), leaf);
  }

  /** Physical address of the entry that maps {@code va} at {@code level} (0 = PML4). */
  long entryAddress(long va, int level) {
    long table = root;
    for (int l = 0; l < level; l++) {
      table = memory.getLong(table + 8 * index(va, l)) & PageTableWalker.ADDRESS_MASK;
    }
    return table + 8 * index(va, level);
  }

  long poolEnd() {
    return next;
  }

  static int index(long va, int level) {
    return (int) ((va >>> (39 - 9 * level)) & 511);
  }
}
