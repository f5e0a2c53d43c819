package dev.uniscope.core.symbols.dwarf;

import dev.uniscope.core.symbols.binary.ByteCursor;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps each line table (by its {@code .debug_line} offset, the unit's {@code DW_AT_stmt_list}) to
 * the unit's {@code DW_AT_comp_dir}. DWARF 4 line tables leave directory 0 implicit, so relative
 * file names are resolved against it, as addr2line does. Only the first DIE of each unit is read.
 */
final class CompilationDirectories {
  private static final int DW_AT_STMT_LIST = 0x10;
  private static final int DW_AT_COMP_DIR = 0x1b;
  private static final int DW_UT_TYPE = 0x02;
  private static final int DW_UT_SKELETON = 0x04;
  private static final int DW_UT_SPLIT_COMPILE = 0x05;
  private static final int DW_UT_SPLIT_TYPE = 0x06;

  private CompilationDirectories() {}

  static Map<Long, String> read(DebugSections sections) throws MalformedBinaryException {
    Map<Long, String> out = new HashMap<>();
    ByteCursor info = new ByteCursor(sections.info(), ".debug_info");
    while (info.hasRemaining()) {
      long unitStart = info.position();
      long length = info.u32();
      int offsetSize = 4;
      if (length == 0xffffffffL) {
        length = info.u64();
        offsetSize = 8;
      } else if (length >= 0xfffffff0L) {
        throw info.error("reserved unit length 0x%x in unit at 0x%x", length, unitStart);
      }
      ByteCursor unit = info.slice(length, ".debug_info unit at 0x" + Long.toHexString(unitStart));
      int version = unit.u16();
      if (version < 2 || version > 5) {
        throw unit.error("unsupported DWARF version %d", version);
      }
      long abbrevOffset;
      int addressSize;
      if (version >= 5) {
        int unitType = unit.u8();
        addressSize = unit.u8();
        abbrevOffset = unit.unsigned(offsetSize);
        switch (unitType) {
          case DW_UT_SKELETON, DW_UT_SPLIT_COMPILE -> unit.skip(8);
          case DW_UT_TYPE, DW_UT_SPLIT_TYPE -> unit.skip(8L + offsetSize);
          default -> {}
        }
      } else {
        abbrevOffset = unit.unsigned(offsetSize);
        addressSize = unit.u8();
      }
      Forms.Encoding enc = new Forms.Encoding(version, offsetSize, addressSize);
      long code = unit.uleb128();
      if (code == 0) {
        continue;
      }
      ByteCursor abbrev = findAbbrev(sections, abbrevOffset, code);
      long stmtList = -1;
      String compDir = null;
      while (true) {
        long name = abbrev.uleb128();
        long form = abbrev.uleb128();
        if (name == 0 && form == 0) {
          break;
        }
        if (form == Forms.IMPLICIT_CONST) {
          abbrev.sleb128();
        }
        int f = (int) Math.min(form, Integer.MAX_VALUE);
        if (name == DW_AT_STMT_LIST) {
          stmtList = Forms.unsigned(unit, f, enc);
        } else if (name == DW_AT_COMP_DIR) {
          compDir = Forms.string(unit, f, enc, sections);
        } else {
          Forms.skip(unit, f, enc);
        }
      }
      if (stmtList >= 0 && compDir != null) {
        out.putIfAbsent(stmtList, compDir);
      }
    }
    return out;
  }

  /** A cursor at the attribute specifications of abbreviation {@code code}. */
  private static ByteCursor findAbbrev(DebugSections sections, long offset, long code)
      throws MalformedBinaryException {
    ByteCursor in = new ByteCursor(sections.abbrev(), ".debug_abbrev").seek(offset);
    while (true) {
      long c = in.uleb128();
      if (c == 0) {
        throw in.error("abbreviation %d not found in the table at 0x%x", code, offset);
      }
      in.uleb128(); // tag
      in.u8(); // has children
      if (c == code) {
        return in;
      }
      while (true) {
        long name = in.uleb128();
        long form = in.uleb128();
        if (name == 0 && form == 0) {
          break;
        }
        if (form == Forms.IMPLICIT_CONST) {
          in.sleb128();
        }
      }
    }
  }
}
