package dev.uniscope.core.symbols.elf;

/** The ELF symbol type (low nibble of {@code st_info}). */
public enum SymbolType {
  NOTYPE,
  OBJECT,
  FUNC,
  SECTION,
  FILE,
  COMMON,
  TLS,
  /** GNU indirect function: its value is the resolver, still code worth naming. */
  IFUNC,
  OTHER;

  static SymbolType of(int stType) {
    return switch (stType) {
      case 0 -> NOTYPE;
      case 1 -> OBJECT;
      case 2 -> FUNC;
      case 3 -> SECTION;
      case 4 -> FILE;
      case 5 -> COMMON;
      case 6 -> TLS;
      case 10 -> IFUNC;
      default -> OTHER;
    };
  }
}
