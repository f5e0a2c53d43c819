package dev.uniscope.core.symbols.elf;

/** The ELF symbol binding (high nibble of {@code st_info}). */
public enum SymbolBinding {
  LOCAL,
  GLOBAL,
  WEAK,
  OTHER;

  static SymbolBinding of(int stBind) {
    return switch (stBind) {
      case 0 -> LOCAL;
      case 1 -> GLOBAL;
      case 2 -> WEAK;
      default -> OTHER;
    };
  }
}
