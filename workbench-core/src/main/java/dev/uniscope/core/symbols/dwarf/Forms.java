package dev.uniscope.core.symbols.dwarf;

import dev.uniscope.core.symbols.binary.ByteCursor;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import java.lang.foreign.MemorySegment;

/**
 * Reading and skipping attribute values by {@code DW_FORM_*}, for the line table header (DWARF 5
 * entry formats) and the compilation unit DIE.
 */
final class Forms {
  static final int ADDR = 0x01;
  static final int BLOCK2 = 0x03;
  static final int BLOCK4 = 0x04;
  static final int DATA2 = 0x05;
  static final int DATA4 = 0x06;
  static final int DATA8 = 0x07;
  static final int STRING = 0x08;
  static final int BLOCK = 0x09;
  static final int BLOCK1 = 0x0a;
  static final int DATA1 = 0x0b;
  static final int FLAG = 0x0c;
  static final int SDATA = 0x0d;
  static final int STRP = 0x0e;
  static final int UDATA = 0x0f;
  static final int REF_ADDR = 0x10;
  static final int REF1 = 0x11;
  static final int REF2 = 0x12;
  static final int REF4 = 0x13;
  static final int REF8 = 0x14;
  static final int REF_UDATA = 0x15;
  static final int INDIRECT = 0x16;
  static final int SEC_OFFSET = 0x17;
  static final int EXPRLOC = 0x18;
  static final int FLAG_PRESENT = 0x19;
  static final int STRX = 0x1a;
  static final int ADDRX = 0x1b;
  static final int REF_SUP4 = 0x1c;
  static final int STRP_SUP = 0x1d;
  static final int DATA16 = 0x1e;
  static final int LINE_STRP = 0x1f;
  static final int REF_SIG8 = 0x20;
  static final int IMPLICIT_CONST = 0x21;
  static final int LOCLISTX = 0x22;
  static final int RNGLISTX = 0x23;
  static final int REF_SUP8 = 0x24;
  static final int STRX1 = 0x25;
  static final int STRX2 = 0x26;
  static final int STRX3 = 0x27;
  static final int STRX4 = 0x28;
  static final int ADDRX1 = 0x29;
  static final int ADDRX2 = 0x2a;
  static final int ADDRX3 = 0x2b;
  static final int ADDRX4 = 0x2c;
  static final int GNU_ADDR_INDEX = 0x1f01;
  static final int GNU_STR_INDEX = 0x1f02;
  static final int GNU_REF_ALT = 0x1f20;
  static final int GNU_STRP_ALT = 0x1f21;

  /** A DW_FORM_indirect chain longer than this is garbage, not nesting. */
  private static final int MAX_INDIRECT = 4;

  private Forms() {}

  /** The encoding parameters of the unit a value belongs to. */
  record Encoding(int version, int offsetSize, int addressSize) {}

  /** A string-valued attribute; null for string forms this reader does not resolve (strx). */
  static String string(ByteCursor in, int form, Encoding enc, DebugSections sections)
      throws MalformedBinaryException {
    return switch (form) {
      case STRING -> in.cString();
      case STRP -> stringAt(sections.str(), in.unsigned(enc.offsetSize()), ".debug_str", in);
      case LINE_STRP ->
          stringAt(sections.lineStr(), in.unsigned(enc.offsetSize()), ".debug_line_str", in);
      default -> {
        skip(in, form, enc);
        yield null;
      }
    };
  }

  /** An unsigned constant; forms that are not constants are skipped and give -1. */
  static long unsigned(ByteCursor in, int form, Encoding enc) throws MalformedBinaryException {
    return switch (form) {
      case DATA1, REF1, FLAG -> in.u8();
      case DATA2, REF2 -> in.u16();
      case DATA4, REF4 -> in.u32();
      case DATA8, REF8 -> in.u64();
      case UDATA, REF_UDATA -> in.uleb128();
      case SEC_OFFSET -> in.unsigned(enc.offsetSize());
      default -> {
        skip(in, form, enc);
        yield -1;
      }
    };
  }

  static void skip(ByteCursor in, int form, Encoding enc) throws MalformedBinaryException {
    skip(in, form, enc, 0);
  }

  private static void skip(ByteCursor in, int form, Encoding enc, int depth)
      throws MalformedBinaryException {
    switch (form) {
      case FLAG_PRESENT, IMPLICIT_CONST -> {}
      case DATA1, REF1, FLAG, STRX1, ADDRX1 -> in.skip(1);
      case DATA2, REF2, STRX2, ADDRX2 -> in.skip(2);
      case STRX3, ADDRX3 -> in.skip(3);
      case DATA4, REF4, REF_SUP4, STRX4, ADDRX4 -> in.skip(4);
      case DATA8, REF8, REF_SIG8, REF_SUP8 -> in.skip(8);
      case DATA16 -> in.skip(16);
      case ADDR -> in.skip(enc.addressSize());
      case REF_ADDR -> in.skip(enc.version() <= 2 ? enc.addressSize() : enc.offsetSize());
      case STRP, LINE_STRP, SEC_OFFSET, STRP_SUP, GNU_REF_ALT, GNU_STRP_ALT ->
          in.skip(enc.offsetSize());
      case STRING -> in.cString();
      case SDATA -> in.sleb128();
      case UDATA, REF_UDATA, STRX, ADDRX, LOCLISTX, RNGLISTX, GNU_ADDR_INDEX, GNU_STR_INDEX ->
          in.uleb128();
      case BLOCK1 -> in.skip(in.u8());
      case BLOCK2 -> in.skip(in.u16());
      case BLOCK4 -> in.skip(in.u32());
      case BLOCK, EXPRLOC -> in.skip(in.uleb128());
      case INDIRECT -> {
        if (depth >= MAX_INDIRECT) {
          throw in.error("DW_FORM_indirect nested more than %d deep", MAX_INDIRECT);
        }
        skip(in, (int) Math.min(in.uleb128(), Integer.MAX_VALUE), enc, depth + 1);
      }
      default -> throw in.error("unknown attribute form 0x%x", form);
    }
  }

  private static String stringAt(MemorySegment table, long offset, String name, ByteCursor from)
      throws MalformedBinaryException {
    try {
      return ByteCursor.cStringAt(table, offset, name);
    } catch (MalformedBinaryException e) {
      throw from.error("%s", e.getMessage());
    }
  }
}
