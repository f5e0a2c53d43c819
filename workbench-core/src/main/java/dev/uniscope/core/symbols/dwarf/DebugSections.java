package dev.uniscope.core.symbols.dwarf;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.core.symbols.elf.ElfFile;
import dev.uniscope.core.symbols.elf.ElfSection;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The DWARF sections the line reader needs; absent ones are empty segments.
 *
 * @param line {@code .debug_line}
 * @param lineStr {@code .debug_line_str} (DWARF 5 {@code DW_FORM_line_strp})
 * @param str {@code .debug_str} ({@code DW_FORM_strp})
 * @param info {@code .debug_info}, read only for each unit's compilation directory
 * @param abbrev {@code .debug_abbrev}
 */
public record DebugSections(
    MemorySegment line,
    MemorySegment lineStr,
    MemorySegment str,
    MemorySegment info,
    MemorySegment abbrev) {
  private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]);

  public static DebugSections of(ElfFile elf) throws MalformedBinaryException {
    return new DebugSections(
        section(elf, ".debug_line"),
        section(elf, ".debug_line_str"),
        section(elf, ".debug_str"),
        section(elf, ".debug_info"),
        section(elf, ".debug_abbrev"));
  }

  /** Only a line table (tests); strings referenced by offset then fail with a clear error. */
  public static DebugSections lineOnly(MemorySegment line) {
    return new DebugSections(line, EMPTY, EMPTY, EMPTY, EMPTY);
  }

  private static MemorySegment section(ElfFile elf, String name) throws MalformedBinaryException {
    Optional<ElfSection> s = elf.section(name);
    return s.isPresent() ? elf.contents(s.get()) : EMPTY;
  }
}
