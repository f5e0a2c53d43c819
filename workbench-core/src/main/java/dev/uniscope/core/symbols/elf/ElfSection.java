package dev.uniscope.core.symbols.elf;

/**
 * One section header. Offsets and sizes of sections that occupy file bytes have been checked
 * against the file.
 */
public record ElfSection(
    int index,
    String name,
    int type,
    long flags,
    long address,
    long offset,
    long size,
    int link,
    int info,
    long addressAlign,
    long entrySize) {
  public static final int SHT_NULL = 0;
  public static final int SHT_PROGBITS = 1;
  public static final int SHT_SYMTAB = 2;
  public static final int SHT_STRTAB = 3;
  public static final int SHT_NOTE = 7;
  public static final int SHT_NOBITS = 8;
  public static final int SHT_DYNSYM = 11;

  public static final long SHF_ALLOC = 0x2;
  public static final long SHF_EXECINSTR = 0x4;
  public static final long SHF_COMPRESSED = 0x800;

  /** False for NOBITS (.bss) and the null section: no bytes in the file. */
  public boolean hasFileBytes() {
    return type != SHT_NOBITS && type != SHT_NULL;
  }

  public boolean isAllocated() {
    return (flags & SHF_ALLOC) != 0;
  }

  public boolean isExecutable() {
    return (flags & SHF_EXECINSTR) != 0;
  }

  /** Whether the link-time address lies in this (allocated) section. Unsigned comparison. */
  public boolean containsAddress(long linkAddress) {
    return isAllocated()
        && Long.compareUnsigned(linkAddress, address) >= 0
        && Long.compareUnsigned(linkAddress - address, size) < 0;
  }
}
