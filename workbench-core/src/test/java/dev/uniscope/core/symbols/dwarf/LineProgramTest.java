package dev.uniscope.core.symbols.dwarf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Hand-assembled line programs for what gcc 12 does not emit on its own: 64-bit DWARF, DWARF 5 MD5
 * entries with inline strings, DWARF 3 with a small opcode base and instruction length 2.
 */
class LineProgramTest {

  @Test
  void dwarf5SixtyFourBitWithMd5AndEveryOpcodeKind() throws Exception {
    Bytes header = new Bytes();
    header.u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13); // min_inst .. opcode_base
    for (int len : new int[] {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1}) {
      header.u8(len);
    }
    header.u8(1).uleb(1).uleb(0x08); // directory format: path as DW_FORM_string
    header.uleb(2).cstr("/src").cstr("inc");
    header.u8(3).uleb(1).uleb(0x08).uleb(2).uleb(0x0f).uleb(5).uleb(0x1e); // path, dir, MD5
    header.uleb(2);
    header.cstr("main.c").uleb(0).bytes(new byte[16]);
    header.cstr("util.h").uleb(1).bytes(new byte[16]);

    Bytes program = new Bytes();
    program.u8(0).uleb(9).u8(2).u64(0x1000); // DW_LNE_set_address
    program.u8(4).uleb(0); // set_file 0: main.c
    program.u8(3).sleb(9); // advance_line to 10
    program.u8(1); // copy: 0x1000 main.c:10
    program.u8(13 + (1 + 5) + 14 * 4); // special: +4, +1 -> 0x1004 main.c:11
    program.u8(4).uleb(1); // set_file 1: inc/util.h
    program.u8(2).uleb(8); // advance_pc -> 0x100c
    program.u8(1); // 0x100c util.h:11
    program.u8(8); // const_add_pc: +17 -> 0x101d
    program.u8(3).sleb(-3); // line 8
    program.u8(1); // 0x101d util.h:8
    program.u8(9).u16(0x13); // fixed_advance_pc -> 0x1030
    program.u8(13 + (2 + 5)); // special: +0, +2 -> 0x1030 util.h:10
    program.u8(3).sleb(1).u8(1); // same address again, line 11: the last row wins
    program.u8(0).uleb(2).u8(4).uleb(3); // DW_LNE_set_discriminator: ignored
    program.u8(2).uleb(0x10).u8(0).uleb(1).u8(1); // -> 0x1040, end_sequence

    Bytes unit = new Bytes();
    unit.u16(5).u8(8).u8(0).u64(header.size()).bytes(header.toArray()).bytes(program.toArray());
    Bytes section = new Bytes().u32(0xffffffffL).u64(unit.size()).bytes(unit.toArray());

    LineTable table = LineTable.read(DebugSections.lineOnly(section.segment()));
    assertThat(table.lookup(0x0fff)).isNull();
    assertThat(table.lookup(0x1000)).hasToString("/src/main.c:10");
    assertThat(table.lookup(0x1003)).hasToString("/src/main.c:10");
    assertThat(table.lookup(0x1004)).hasToString("/src/main.c:11");
    assertThat(table.lookup(0x100c)).hasToString("/src/inc/util.h:11");
    assertThat(table.lookup(0x101c)).hasToString("/src/inc/util.h:11");
    assertThat(table.lookup(0x101d)).hasToString("/src/inc/util.h:8");
    assertThat(table.lookup(0x1030)).hasToString("/src/inc/util.h:11");
    assertThat(table.lookup(0x103f)).hasToString("/src/inc/util.h:11");
    assertThat(table.lookup(0x1040)).isNull();
  }

  @Test
  void dwarf3WithSmallOpcodeBaseAndTwoByteInstructions() throws Exception {
    Bytes header = new Bytes();
    header.u8(2).u8(1).u8(-1 & 0xff).u8(4).u8(10); // no max_ops field before version 4
    for (int len : new int[] {0, 1, 1, 1, 1, 0, 0, 0, 1}) {
      header.u8(len);
    }
    header.cstr("/abs").u8(0); // include_directories
    header.cstr("x.c").uleb(1).uleb(0).uleb(0).u8(0); // file_names

    Bytes program = new Bytes();
    program.u8(0).uleb(9).u8(2).u64(0xffffffff80001000L); // a kernel address
    program.u8(1); // copy: x.c:1
    program.u8(10 + (1 + 1) + 4 * 2); // opcode 20 is special here: +2 ops (4 bytes), +1 line
    program.u8(2).uleb(1); // advance_pc: one op = 2 bytes
    program.u8(0).uleb(1).u8(1); // end_sequence

    Bytes unit = new Bytes().u16(3).u32(header.size()).bytes(header.toArray());
    unit.bytes(program.toArray());
    Bytes section = new Bytes().u32(unit.size()).bytes(unit.toArray());

    LineTable table = LineTable.read(DebugSections.lineOnly(section.segment()));
    assertThat(table.lookup(0xffffffff80001000L)).hasToString("/abs/x.c:1");
    assertThat(table.lookup(0xffffffff80001003L)).hasToString("/abs/x.c:1");
    assertThat(table.lookup(0xffffffff80001004L)).hasToString("/abs/x.c:2");
    assertThat(table.lookup(0xffffffff80001005L)).hasToString("/abs/x.c:2");
    assertThat(table.lookup(0xffffffff80001006L)).isNull();
    assertThat(table.lookup(0x1000)).isNull();
  }

  @Test
  void unknownVersionIsAClearError() {
    Bytes section = new Bytes().u32(2).u16(6);
    assertThatThrownBy(() -> LineTable.read(DebugSections.lineOnly(section.segment())))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining(".debug_line unit at 0x0")
        .hasMessageContaining("unsupported line table version 6");
  }

  @Test
  void unitLongerThanTheSectionIsAClearError() {
    Bytes section = new Bytes().u32(0x1000).u16(5);
    assertThatThrownBy(() -> LineTable.read(DebugSections.lineOnly(section.segment())))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining(".debug_line+0x4: need 0x1000 bytes but only 0x2 remain");
  }

  @Test
  void hugeFileCountDoesNotAllocateOrSpin() {
    Bytes header = new Bytes();
    header.u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13);
    for (int i = 0; i < 12; i++) {
      header.u8(0);
    }
    header.u8(1).uleb(1).uleb(0x08).uleb(0); // no directories
    header.u8(0).uleb(Long.MAX_VALUE); // file entries with no fields at all
    Bytes unit = new Bytes().u16(5).u8(8).u8(0).u32(header.size()).bytes(header.toArray());
    Bytes section = new Bytes().u32(unit.size()).bytes(unit.toArray());
    assertThatThrownBy(() -> LineTable.read(DebugSections.lineOnly(section.segment())))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("file name count 9223372036854775807 does not fit");
  }

  /** Little-endian byte assembly. */
  private static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int v) {
      out.write(v);
      return this;
    }

    Bytes u16(int v) {
      return u8(v & 0xff).u8((v >>> 8) & 0xff);
    }

    Bytes u32(long v) {
      return u16((int) (v & 0xffff)).u16((int) ((v >>> 16) & 0xffff));
    }

    Bytes u64(long v) {
      return u32(v & 0xffffffffL).u32(v >>> 32);
    }

    Bytes uleb(long v) {
      do {
        int b = (int) (v & 0x7f);
        v >>>= 7;
        u8(v != 0 ? b | 0x80 : b);
      } while (v != 0);
      return this;
    }

    Bytes sleb(long v) {
      while (true) {
        int b = (int) (v & 0x7f);
        v >>= 7;
        boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
        u8(done ? b : b | 0x80);
        if (done) {
          return this;
        }
      }
    }

    Bytes cstr(String s) {
      return bytes(s.getBytes(StandardCharsets.UTF_8)).u8(0);
    }

    Bytes bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    int size() {
      return out.size();
    }

    byte[] toArray() {
      return out.toByteArray();
    }

    MemorySegment segment() {
      return MemorySegment.ofArray(toArray());
    }
  }
}
