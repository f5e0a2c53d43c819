package dev.uniscope.core.symbols.dwarf;

import dev.uniscope.core.symbols.binary.ByteCursor;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the line-number programs of {@code .debug_line} (DWARF 2 to 5) and collects their rows.
 * Every count and length comes from untrusted bytes, so loops are bounded by the bytes they consume
 * and nothing is allocated ahead of the bytes that justify it.
 */
final class LineProgramReader {
  private static final int DW_LNS_COPY = 1;
  private static final int DW_LNS_ADVANCE_PC = 2;
  private static final int DW_LNS_ADVANCE_LINE = 3;
  private static final int DW_LNS_SET_FILE = 4;
  private static final int DW_LNS_SET_COLUMN = 5;
  private static final int DW_LNS_NEGATE_STMT = 6;
  private static final int DW_LNS_SET_BASIC_BLOCK = 7;
  private static final int DW_LNS_CONST_ADD_PC = 8;
  private static final int DW_LNS_FIXED_ADVANCE_PC = 9;
  private static final int DW_LNS_SET_PROLOGUE_END = 10;
  private static final int DW_LNS_SET_EPILOGUE_BEGIN = 11;
  private static final int DW_LNS_SET_ISA = 12;

  private static final int DW_LNE_END_SEQUENCE = 1;
  private static final int DW_LNE_SET_ADDRESS = 2;
  private static final int DW_LNE_DEFINE_FILE = 3;

  private static final int DW_LNCT_PATH = 1;
  private static final int DW_LNCT_DIRECTORY_INDEX = 2;

  private final DebugSections sections;
  private final Map<Long, String> compDirs;
  private final RowBuffer rows = new RowBuffer();
  private final Map<String, Integer> fileIds = new HashMap<>();
  private final List<String> fileNames = new ArrayList<>();

  private LineProgramReader(DebugSections sections, Map<Long, String> compDirs) {
    this.sections = sections;
    this.compDirs = compDirs;
  }

  static LineTable read(DebugSections sections) throws MalformedBinaryException {
    Map<Long, String> compDirs =
        sections.info().byteSize() > 0 && sections.line().byteSize() > 0
            ? CompilationDirectories.read(sections)
            : Map.of();
    LineProgramReader reader = new LineProgramReader(sections, compDirs);
    ByteCursor in = new ByteCursor(sections.line(), ".debug_line");
    while (in.hasRemaining()) {
      reader.readUnit(in);
    }
    return reader.rows.build(reader.fileNames.toArray(String[]::new));
  }

  /** The header fields the program needs, and the unit's file table. */
  private static final class Unit {
    int version;
    int minInstructionLength;
    int maxOpsPerInstruction;
    boolean defaultIsStmt;
    int lineBase;
    int lineRange;
    int opcodeBase;
    int[] standardOpcodeLengths;
    String compDir;
    final List<String> directories = new ArrayList<>();
    final List<String> fileNames = new ArrayList<>();
    final List<Long> fileDirs = new ArrayList<>();
    final Map<Long, Integer> resolved = new HashMap<>();
  }

  private void readUnit(ByteCursor section) throws MalformedBinaryException {
    long unitOffset = section.position();
    long length = section.u32();
    int offsetSize = 4;
    if (length == 0xffffffffL) {
      length = section.u64();
      offsetSize = 8;
    } else if (length >= 0xfffffff0L) {
      throw section.error("reserved unit length 0x%x in unit at 0x%x", length, unitOffset);
    }
    String where = ".debug_line unit at 0x" + Long.toHexString(unitOffset);
    ByteCursor in = section.slice(length, where);
    Unit u = new Unit();
    u.version = in.u16();
    if (u.version < 2 || u.version > 5) {
      throw in.error("unsupported line table version %d", u.version);
    }
    int addressSize = 8;
    if (u.version >= 5) {
      addressSize = in.u8();
      in.u8(); // segment_selector_size
    }
    long headerLength = in.unsigned(offsetSize);
    ByteCursor header = in.slice(headerLength, where + " header");
    u.minInstructionLength = header.u8();
    u.maxOpsPerInstruction = u.version >= 4 ? header.u8() : 1;
    if (u.maxOpsPerInstruction == 0) {
      throw header.error("maximum_operations_per_instruction is 0");
    }
    u.defaultIsStmt = header.u8() != 0;
    u.lineBase = header.s8();
    u.lineRange = header.u8();
    if (u.lineRange == 0) {
      throw header.error("line_range is 0");
    }
    u.opcodeBase = header.u8();
    if (u.opcodeBase == 0) {
      throw header.error("opcode_base is 0");
    }
    u.standardOpcodeLengths = new int[u.opcodeBase];
    for (int i = 1; i < u.opcodeBase; i++) {
      u.standardOpcodeLengths[i] = header.u8();
    }
    u.compDir = compDirs.get(unitOffset);
    Forms.Encoding enc = new Forms.Encoding(u.version, offsetSize, addressSize);
    if (u.version >= 5) {
      readEntries(header, enc, u, true);
      readEntries(header, enc, u, false);
      if (u.compDir == null && !u.directories.isEmpty()) {
        u.compDir = u.directories.get(0);
      }
    } else {
      for (String dir = header.cString(); !dir.isEmpty(); dir = header.cString()) {
        u.directories.add(dir);
      }
      for (String name = header.cString(); !name.isEmpty(); name = header.cString()) {
        u.fileNames.add(name);
        u.fileDirs.add(header.uleb128());
        header.uleb128(); // mtime
        header.uleb128(); // length
      }
    }
    runProgram(in, u);
  }

  /** A DWARF 5 directory or file name table: a format description, then the entries. */
  private void readEntries(ByteCursor in, Forms.Encoding enc, Unit u, boolean directories)
      throws MalformedBinaryException {
    int formatCount = in.u8();
    long[] contentTypes = new long[formatCount];
    int[] forms = new int[formatCount];
    for (int i = 0; i < formatCount; i++) {
      contentTypes[i] = in.uleb128();
      forms[i] = (int) Math.min(in.uleb128(), Integer.MAX_VALUE);
    }
    long count = in.uleb128();
    // Every form takes at least one byte, so this bounds the loop by the bytes left.
    if (count != 0 && (formatCount == 0 || Long.compareUnsigned(count, in.remaining()) > 0)) {
      throw in.error(
          "%s count %s does not fit the 0x%x header bytes left",
          directories ? "directory" : "file name", Long.toUnsignedString(count), in.remaining());
    }
    for (long e = 0; e < count; e++) {
      String path = null;
      long dirIndex = 0;
      for (int i = 0; i < formatCount; i++) {
        if (contentTypes[i] == DW_LNCT_PATH) {
          path = Forms.string(in, forms[i], enc, sections);
        } else if (contentTypes[i] == DW_LNCT_DIRECTORY_INDEX) {
          dirIndex = Forms.unsigned(in, forms[i], enc);
        } else {
          Forms.skip(in, forms[i], enc); // timestamp, size, MD5, vendor content
        }
      }
      if (path == null) {
        throw in.error(
            "%s entry %d has no usable DW_LNCT_path", directories ? "directory" : "file", e);
      }
      if (directories) {
        u.directories.add(path);
      } else {
        u.fileNames.add(path);
        u.fileDirs.add(dirIndex);
      }
    }
  }

  private void runProgram(ByteCursor in, Unit u) throws MalformedBinaryException {
    long address = 0;
    long opIndex = 0;
    long file = 1;
    long line = 1;
    rows.beginSequence();
    while (in.hasRemaining()) {
      int opcode = in.u8();
      if (opcode >= u.opcodeBase) {
        int adjusted = opcode - u.opcodeBase;
        long advance = adjusted / u.lineRange;
        address += u.minInstructionLength * ((opIndex + advance) / u.maxOpsPerInstruction);
        opIndex = (opIndex + advance) % u.maxOpsPerInstruction;
        line += u.lineBase + adjusted % u.lineRange;
        rows.add(address, fileId(u, file), line);
      } else if (opcode == 0) {
        long length = in.uleb128();
        if (length == 0) {
          continue;
        }
        ByteCursor ext = in.slice(length, in.region() + " extended opcode");
        int sub = ext.u8();
        switch (sub) {
          case DW_LNE_END_SEQUENCE -> {
            rows.endSequence(address);
            address = 0;
            opIndex = 0;
            file = 1;
            line = 1;
            rows.beginSequence();
          }
          case DW_LNE_SET_ADDRESS -> {
            int width = (int) ext.remaining();
            if (width != 1 && width != 2 && width != 4 && width != 8) {
              throw ext.error("DW_LNE_set_address with a %d-byte operand", width);
            }
            address = ext.unsigned(width);
            opIndex = 0;
          }
          case DW_LNE_DEFINE_FILE -> {
            u.fileNames.add(ext.cString());
            u.fileDirs.add(ext.uleb128());
          }
          default -> {} // discriminator and vendor opcodes: the slice already skipped them
        }
      } else {
        switch (opcode) {
          case DW_LNS_COPY -> rows.add(address, fileId(u, file), line);
          case DW_LNS_ADVANCE_PC -> {
            long advance = in.uleb128();
            address += u.minInstructionLength * ((opIndex + advance) / u.maxOpsPerInstruction);
            opIndex = (opIndex + advance) % u.maxOpsPerInstruction;
          }
          case DW_LNS_ADVANCE_LINE -> line += in.sleb128();
          case DW_LNS_SET_FILE -> file = in.uleb128();
          case DW_LNS_SET_COLUMN, DW_LNS_SET_ISA -> in.uleb128();
          case DW_LNS_NEGATE_STMT,
              DW_LNS_SET_BASIC_BLOCK,
              DW_LNS_SET_PROLOGUE_END,
              DW_LNS_SET_EPILOGUE_BEGIN -> {}
          case DW_LNS_CONST_ADD_PC -> {
            long advance = (255 - u.opcodeBase) / u.lineRange;
            address += u.minInstructionLength * ((opIndex + advance) / u.maxOpsPerInstruction);
            opIndex = (opIndex + advance) % u.maxOpsPerInstruction;
          }
          case DW_LNS_FIXED_ADVANCE_PC -> {
            address += in.u16();
            opIndex = 0;
          }
          default -> {
            for (int i = 0; i < u.standardOpcodeLengths[opcode]; i++) {
              in.uleb128();
            }
          }
        }
      }
    }
    rows.abandonSequence(); // rows after the last end_sequence belong to no sequence
  }

  /** The global id of a unit's file register value; -2 for an index outside the table. */
  private int fileId(Unit u, long fileRegister) {
    Integer cached = u.resolved.get(fileRegister);
    if (cached != null) {
      return cached;
    }
    // DWARF 5 numbers files from 0; earlier versions from 1.
    long index = u.version >= 5 ? fileRegister : fileRegister - 1;
    int id;
    if (index < 0 || index >= u.fileNames.size()) {
      id = RowBuffer.UNKNOWN_FILE;
    } else {
      String path = resolvePath(u, u.fileNames.get((int) index), u.fileDirs.get((int) index));
      id =
          fileIds.computeIfAbsent(
              path,
              p -> {
                fileNames.add(p);
                return fileNames.size() - 1;
              });
    }
    u.resolved.put(fileRegister, id);
    return id;
  }

  /**
   * Joins directory and file name the way binutils does, so paths compare equal to addr2line's: an
   * absolute name stands alone; a relative directory is taken under the compilation directory;
   * directory 0 is the compilation directory itself.
   */
  private static String resolvePath(Unit u, String name, long dirIndex) {
    if (isAbsolute(name)) {
      return name;
    }
    String subdir = null;
    if (dirIndex != 0) {
      long i = u.version >= 5 ? dirIndex : dirIndex - 1;
      if (i >= 0 && i < u.directories.size()) {
        subdir = u.directories.get((int) i);
      }
    }
    String dir = null;
    if (subdir == null || !isAbsolute(subdir)) {
      dir = u.compDir;
    }
    if (dir == null) {
      dir = subdir;
      subdir = null;
    }
    if (dir == null) {
      return name;
    }
    return subdir == null ? dir + "/" + name : dir + "/" + subdir + "/" + name;
  }

  private static boolean isAbsolute(String path) {
    return path.startsWith("/");
  }
}
