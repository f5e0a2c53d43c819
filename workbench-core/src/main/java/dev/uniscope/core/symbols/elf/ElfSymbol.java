package dev.uniscope.core.symbols.elf;

/**
 * One symbol table entry. {@code value} is a link-time address for defined symbols in executables
 * and shared objects.
 */
public record ElfSymbol(
    String name, long value, long size, SymbolType type, SymbolBinding binding, int sectionIndex) {
  public static final int SHN_UNDEF = 0;
  public static final int SHN_LORESERVE = 0xff00;
  public static final int SHN_ABS = 0xfff1;
  public static final int SHN_COMMON = 0xfff2;
  public static final int SHN_XINDEX = 0xffff;

  /** Defined in a real section of this file (not undefined, absolute or common). */
  public boolean isInSection() {
    return sectionIndex != SHN_UNDEF && sectionIndex < SHN_LORESERVE;
  }
}
