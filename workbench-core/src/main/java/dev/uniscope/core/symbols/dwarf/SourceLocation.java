package dev.uniscope.core.symbols.dwarf;

/** A source position: the file path as addr2line prints it, and a 1-based line (0: unknown). */
public record SourceLocation(String file, int line) {
  @Override
  public String toString() {
    return file + ":" + line;
  }
}
