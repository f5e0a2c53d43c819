package dev.uniscope.core.memory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * x86-64 4-level paging (Intel SDM vol. 3A §4.5) over a physical {@link MemoryReader}: 4 KiB, 2 MiB
 * and 1 GiB pages, permissions (NX, U/S, R/W) ignored because reads only need the frame. A walk is
 * at most four table reads, so hostile tables (entries pointing at themselves, outside memory, or
 * at garbage) end in an exception after a bounded amount of work, never in a loop.
 *
 * <p>One walker caches the table pages it reads, so translating a range costs one read per table
 * rather than four per page (each read is a round trip on a live target). Tables may change while
 * the target runs: use a walker for one stopped period, not longer.
 */
public final class PageTableWalker {
  static final long PRESENT = 1L;
  static final long PAGE_SIZE_BIT = 1L << 7;

  /** Bits 51:12 of an entry or CR3: the next table's or the frame's physical address. */
  static final long ADDRESS_MASK = 0x000f_ffff_ffff_f000L;

  private static final long KIB4 = 1L << 12;
  private static final long MIB2 = 1L << 21;
  private static final long GIB1 = 1L << 30;
  private static final String[] LEVELS = {"PML4", "PDPT", "PD", "PT"};
  private static final int CACHED_TABLES = 64;

  private final MemoryReader physical;
  private final long root;
  private final Map<Long, long[]> tables =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
          return size() > CACHED_TABLES;
        }
      };

  /**
   * @param cr3 the page-table root as CR3 holds it; bits 11:0 (PCID, PWT, PCD) are ignored
   */
  public PageTableWalker(MemoryReader physical, long cr3) {
    this.physical = physical;
    this.root = cr3 & ADDRESS_MASK;
  }

  /** The physical address of the PML4 table. */
  public long root() {
    return root;
  }

  /** Translates one virtual address, or explains which entry is missing. */
  public Translation translate(long va) throws MemoryAccessException {
    // Canonical: bits 63:47 all equal.
    long top = va >> 47;
    if (top != 0 && top != -1) {
      throw new UnmappedAddressException(va, "non-canonical (bits 63:47 differ)");
    }
    long table = root;
    for (int level = 0; level < 4; level++) {
      int shift = 39 - 9 * level;
      int index = (int) ((va >>> shift) & 511);
      long entry = entry(table, index, va, level);
      if ((entry & PRESENT) == 0) {
        throw new UnmappedAddressException(
            va,
            "%s entry %d (at phys 0x%x) is not present (0x%x)"
                .formatted(LEVELS[level], index, table + 8L * index, entry));
      }
      if (level == 1 && (entry & PAGE_SIZE_BIT) != 0) {
        return new Translation(va, (entry & ADDRESS_MASK & ~(GIB1 - 1)) | (va & (GIB1 - 1)), GIB1);
      }
      if (level == 2 && (entry & PAGE_SIZE_BIT) != 0) {
        return new Translation(va, (entry & ADDRESS_MASK & ~(MIB2 - 1)) | (va & (MIB2 - 1)), MIB2);
      }
      if (level == 3) {
        return new Translation(va, (entry & ADDRESS_MASK) | (va & (KIB4 - 1)), KIB4);
      }
      table = entry & ADDRESS_MASK;
    }
    throw new AssertionError("unreachable: four levels always end in a frame");
  }

  private long entry(long table, int index, long va, int level) throws MemoryAccessException {
    long[] entries = tables.get(table);
    if (entries == null) {
      byte[] raw = new byte[4096];
      try {
        physical.read(table, raw, 0, raw.length);
      } catch (AbsentMemoryException e) {
        // Say which walk led there: a bad entry above, not a bad read by the caller.
        throw new UnmappedAddressException(
            va,
            "%s table at phys 0x%x is outside memory (%s)"
                .formatted(LEVELS[level], table, e.getMessage()));
      }
      entries = new long[512];
      for (int i = 0; i < 512; i++) {
        long v = 0;
        for (int b = 7; b >= 0; b--) {
          v = (v << 8) | (raw[i * 8 + b] & 0xff);
        }
        entries[i] = v;
      }
      tables.put(table, entries);
    }
    return entries[index];
  }
}
