package dev.uniscope.core.symbols;

import dev.uniscope.core.symbols.dwarf.SourceLocation;

/**
 * What one runtime address resolves to.
 *
 * @param function the enclosing function's name, or null when no symbol covers the address
 * @param offset bytes from the function's start (0 when there is no function)
 * @param source file:line from the line table, or null when the address has none
 */
public record SymbolizedAddress(
    long runtimeAddress, long linkAddress, String function, long offset, SourceLocation source) {

  /** {@code name+0x1a}, {@code name} at offset 0, or the bare runtime address in hex. */
  public String label() {
    if (function == null) {
      return "0x" + Long.toHexString(runtimeAddress);
    }
    return offset == 0 ? function : function + "+0x" + Long.toHexString(offset);
  }

  @Override
  public String toString() {
    return source == null ? label() : label() + " (" + source + ")";
  }
}
