package dev.uniscope.core.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.core.symbols.elf.ElfFile;
import dev.uniscope.core.symbols.elf.ElfSection;
import dev.uniscope.core.symbols.elf.ElfSymbol;
import dev.uniscope.core.symbols.elf.SymbolType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Header parsing on a real binary, and the messages for specific corruptions. */
class ElfFileTest {
  private static byte[] original;

  @BeforeAll
  static void fixture() throws Exception {
    assumeTrue(PeerTools.available(), "gcc, nm, addr2line and readelf are needed on the PATH");
    original = Files.readAllBytes(Fixtures.binary(Fixtures.Variant.DWARF5_PIE));
  }

  @Test
  void readsSectionsSymbolsAndSegments() throws Exception {
    try (ElfFile elf = ElfFile.of(MemorySegment.ofArray(original), "prog")) {
      assertThat(elf.type()).isEqualTo(ElfFile.ET_DYN);
      assertThat(elf.machine()).isEqualTo(62);
      assertThat(elf.section(".text")).isPresent();
      assertThat(elf.section(".debug_line")).isPresent();
      assertThat(elf.symbols())
          .filteredOn(s -> s.type() == SymbolType.FUNC)
          .extracting(ElfSymbol::name)
          .contains("main", "compute", "classify", "walk", "recurse");
      ElfSection text = elf.section(".text").orElseThrow();
      assertThat(elf.sectionAt(text.address() + 1)).contains(text);
      assertThat(elf.loadSegmentAt(text.address())).isPresent();
      assertThat(elf.read(elf.entry(), 4)).hasSize(4);
    }
  }

  @Test
  void sectionPastTheEndOfTheFileIsNamed() {
    byte[] bytes = original.clone();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long shoff = b.getLong(0x28);
    int entry = (int) shoff + 7 * 64;
    b.putLong(entry + 24, 0x7fff_0000L); // sh_offset of section header 7
    if (b.getInt(entry + 4) == ElfSection.SHT_NOBITS) {
      b.putInt(entry + 4, ElfSection.SHT_PROGBITS);
    }
    assertThatThrownBy(() -> ElfFile.of(MemorySegment.ofArray(bytes), "prog"))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageMatching(
            "prog: section header 7: sh_offset 0x7fff0000 \\+ sh_size 0x[0-9a-f]+ exceeds file"
                + " size 0x[0-9a-f]+");
  }

  @Test
  void sectionTableOutsideTheFileIsNamed() {
    byte[] bytes = original.clone();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, bytes.length - 10);
    assertThatThrownBy(() -> ElfFile.of(MemorySegment.ofArray(bytes), "prog"))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("prog: e_shoff 0x");
  }

  @Test
  void hugeSectionCountIsRefusedBeforeAllocating() {
    byte[] bytes = original.clone();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(0x3c, (short) 0xfff0);
    assertThatThrownBy(() -> ElfFile.of(MemorySegment.ofArray(bytes), "prog"))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("section header table: e_shoff 0x")
        .hasMessageContaining("65520 entries of 64 bytes exceeds file size");
  }

  @Test
  void unsupportedClassesAndGarbageAreNamed() {
    byte[] elf32 = original.clone();
    elf32[4] = 1;
    assertThatThrownBy(() -> ElfFile.of(MemorySegment.ofArray(elf32), "prog"))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessage("prog: ELF class 1 is not supported (only ELF64)");
    assertThatThrownBy(() -> ElfFile.of(MemorySegment.ofArray(new byte[100]), "zeros"))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessage("zeros: not an ELF file (bad magic)");
    assertThatThrownBy(() -> ElfFile.of(MemorySegment.ofArray(new byte[10]), "tiny"))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("shorter than the 64-byte ELF header");
  }

  @Test
  void readOutsideAnySegmentIsAnError() throws Exception {
    try (ElfFile elf = ElfFile.of(MemorySegment.ofArray(original), "prog")) {
      assertThatThrownBy(() -> elf.read(0xdead_0000_0000L, 4))
          .isInstanceOf(MalformedBinaryException.class)
          .hasMessageContaining("not in any PT_LOAD segment");
    }
  }
}
