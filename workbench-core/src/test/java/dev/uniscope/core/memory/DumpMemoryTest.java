package dev.uniscope.core.memory;

import static dev.uniscope.core.memory.SyntheticKernel.BASE;
import static dev.uniscope.core.memory.SyntheticKernel.DIRECT;
import static dev.uniscope.core.memory.SyntheticKernel.SLIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.core.symbols.Slide;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic QEMU-style ELF cores: reading, registers, notes, layout, and named errors. */
class DumpMemoryTest {
  final SyntheticKernel kernel = new SyntheticKernel();

  static DumpMemory open(byte[] core) throws MemoryAccessException {
    return DumpMemory.of(MemorySegment.ofArray(core), "vm.core");
  }

  @Test
  void readsPhysicalAndVirtualMemoryAndFindsTheLayout(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vm.core");
    Files.write(file, kernel.core().build());
    try (DumpMemory dump = DumpMemory.open(file)) {
      assertThat(dump.machine()).isEqualTo(62);
      assertThat(dump.physicalMap().ranges())
          .containsExactly(
              new PhysicalRange(0, 0xa0000), new PhysicalRange(0xc0000, (4 << 20) - 0xc0000));
      byte[] image = Arrays.copyOfRange(kernel.memory.bytes, 0x200000, 0x210000);
      assertThat(dump.physical().read(0x200000, image.length)).isEqualTo(image);
      assertThat(dump.virtual().read(BASE, image.length)).isEqualTo(image);
      assertThat(dump.virtual().read(DIRECT + 0x200000, image.length)).isEqualTo(image);
      assertThat(dump.virtual().u64(BASE + 0x1008))
          .isEqualTo(ByteBuffer.wrap(image, 0x1008, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
      assertThat(dump.translate(BASE + 0x2345).physicalAddress()).isEqualTo(0x202345L);
      assertThat(dump.pageTableRoot()).isEqualTo(kernel.tables.root);
      // A read across the end of one PT_LOAD into the next one that follows it directly.
      assertThat(dump.physical().read(0x9fff8, 8)).hasSize(8);

      KernelLayout layout = KernelLayout.find(dump);
      assertThat(layout.slide()).isEqualTo(Slide.of(SLIDE, Slide.Origin.DUMP));
      assertThat(layout.blockAddress()).isEqualTo(0x200000);
      assertThat(layout.buildId().hex()).isEqualTo(SyntheticKernel.BUILD_ID);
      assertThat(layout.vmcoreInfo()).isPresent();
      assertThat(description(dump)).contains("vm.core");
    }
  }

  private static String description(TargetMemory m) {
    return m.description();
  }

  @Test
  void registersComeFromBothNotesPerVcpu() throws Exception {
    try (DumpMemory dump = open(kernel.core().build())) {
      assertThat(dump.cpus()).hasSize(2);
      CpuState cpu1 = dump.cpus().get(1);
      assertThat(cpu1.get("rip")).hasValue(BASE + 0x5678);
      assertThat(cpu1.get("rsp")).hasValue(DIRECT + 0x4000);
      assertThat(cpu1.get("pr_pid")).hasValue(2);
      assertThat(cpu1.cr3()).hasValue(kernel.tables.root);
      assertThat(cpu1.get("gdt_base")).hasValue(0xffffffff80001000L);
      assertThat(cpu1.get("gdt_limit")).hasValue(0x7f);
      assertThat(dump.vmcoreInfoText())
          .hasValueSatisfying(t -> assertThat(t).contains("KERNELOFFSET="));
      assertThat(dump.warnings()).isEmpty();
    }
  }

  @Test
  void absentAndUnmappedAddressesAreNamed() throws Exception {
    try (DumpMemory dump = open(kernel.core().build())) {
      assertThatThrownBy(() -> dump.physical().read(0x9fff8, 16))
          .isInstanceOf(AbsentMemoryException.class)
          .hasMessage(
              "physical address 0xa0000 is absent: no PT_LOAD of the dump vm.core holds it");
      // Mapped by the direct map, but the dump has no bytes there.
      assertThatThrownBy(() -> dump.virtual().read(DIRECT + 0xa0000, 8))
          .isInstanceOf(AbsentMemoryException.class)
          .hasMessageContaining("0xa0000");
      assertThatThrownBy(() -> dump.virtual().read(BASE + 16 * 4096, 8))
          .isInstanceOf(UnmappedAddressException.class)
          .hasMessageContaining("virtual address 0x" + Long.toHexString(BASE + 16 * 4096));
      assertThatThrownBy(() -> dump.physical().read(0x100000000L, 1))
          .isInstanceOf(AbsentMemoryException.class);
    }
  }

  @Test
  void withoutCpuNotesVirtualReadsNeedAnExplicitRoot() throws Exception {
    CoreFile c = new CoreFile();
    c.load(0, kernel.memory.bytes);
    try (DumpMemory dump = open(c.build())) {
      assertThatThrownBy(() -> dump.virtual().read(BASE, 8))
          .isInstanceOf(MalformedDumpException.class)
          .hasMessageContaining("no QEMU CPU note with CR3");
      assertThat(dump.virtual(kernel.tables.root).read(BASE + 4096, 4))
          .isEqualTo(Arrays.copyOfRange(kernel.memory.bytes, 0x201000, 0x201004));
      // No vmcoreinfo: the block is found at its fixed address.
      assertThat(KernelLayout.find(dump).slide().value()).isEqualTo(SLIDE);
    }
  }

  @Test
  void pagingOffAndFiveLevelPagingAreRefused() throws Exception {
    CoreFile off = new CoreFile().cpu(0, 0xfff0, 0, 0x10, 0x1000, 0).load(0, new byte[8192]);
    try (DumpMemory dump = open(off.build())) {
      assertThatThrownBy(dump::pageTableRoot).hasMessageContaining("paging off");
    }
    CoreFile la57 =
        new CoreFile().cpu(0, 0, 0, 0x80000001L, 0x1000, 1 << 12).load(0, new byte[8192]);
    try (DumpMemory dump = open(la57.build())) {
      assertThatThrownBy(dump::pageTableRoot).hasMessageContaining("5-level");
    }
  }

  @Test
  void layoutProblemsAreExplained() throws Exception {
    kernel.writeLayoutBlock(0, 0);
    try (DumpMemory dump = open(kernel.core().build())) {
      assertThatThrownBy(() -> KernelLayout.find(dump))
          .isInstanceOf(KernelLayoutException.class)
          .hasMessageContaining("not filled yet");
    }
    kernel.writeLayoutBlock(1, SLIDE);
    CoreFile disagree = kernel.core();
    disagree.notes.removeIf(n -> n.name().equals("VMCOREINFO"));
    disagree.note(
        "VMCOREINFO",
        0,
        kernel
            .vmcoreInfo(SLIDE + 4096, SyntheticKernel.BUILD_ID)
            .getBytes(StandardCharsets.US_ASCII));
    try (DumpMemory dump = open(disagree.build())) {
      assertThatThrownBy(() -> KernelLayout.find(dump))
          .isInstanceOf(KernelLayoutException.class)
          .hasMessageContaining("KERNELOFFSET");
    }
    Arrays.fill(kernel.memory.bytes, 0x200000, 0x200008, (byte) 'X');
    try (DumpMemory dump = open(kernel.core().build())) {
      assertThatThrownBy(() -> KernelLayout.find(dump))
          .isInstanceOf(KernelLayoutException.class)
          .hasMessageContaining("bad magic");
    }
  }

  @Test
  void aBadVmcoreInfoNoteIsAWarningNotAFailure() throws Exception {
    CoreFile c = kernel.core();
    c.notes.removeIf(n -> n.name().equals("VMCOREINFO"));
    c.note("VMCOREINFO", 0, "KERNELOFFSET=zz\n".getBytes(StandardCharsets.US_ASCII));
    try (DumpMemory dump = open(c.build())) {
      assertThat(dump.vmcoreInfo()).isEmpty();
      assertThat(dump.warnings()).singleElement().asString().contains("VMCOREINFO note ignored");
      assertThat(KernelLayout.find(dump).slide().value()).isEqualTo(SLIDE);
    }
  }

  @Test
  void anOversizedVmcoreInfoNoteIsIgnored() throws Exception {
    CoreFile c = kernel.core();
    c.notes.removeIf(n -> n.name().equals("VMCOREINFO"));
    c.note("VMCOREINFO", 0, new byte[(1 << 20) + 4]);
    try (DumpMemory dump = open(c.build())) {
      assertThat(dump.vmcoreInfoText()).isEmpty();
      assertThat(dump.warnings()).singleElement().asString().contains("0x100004 bytes");
    }
  }

  @Test
  void physicalReadsAreBounded() throws Exception {
    try (DumpMemory dump = open(kernel.core().build())) {
      assertThatThrownBy(() -> dump.physical().read(0, TargetMemory.MAX_READ + 1))
          .isInstanceOf(ReadLimitException.class);
      assertThatThrownBy(() -> dump.physical().read(-8, 16))
          .isInstanceOf(ReadLimitException.class)
          .hasMessageContaining("wraps");
    }
  }

  @Test
  void overlappingSegmentsMustAgreeOnTheFileBytes() throws Exception {
    byte[] ok = new CoreFile().load(0x1000, new byte[0x2000]).build();
    // Second PT_LOAD: physical 0x2000 at the file offset the first one gives it (a paging dump).
    ByteBuffer b = ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN);
    long firstOffset = b.getLong(64 + 56 + 8);
    byte[] two = withExtraLoad(ok, firstOffset + 0x1000, 0x2000, 0x1000);
    try (DumpMemory dump = open(two)) {
      assertThat(dump.physicalMap().ranges()).containsExactly(new PhysicalRange(0x1000, 0x2000));
    }
    byte[] bad = withExtraLoad(ok, firstOffset, 0x2000, 0x1000);
    assertThatThrownBy(() -> open(bad))
        .isInstanceOf(MalformedDumpException.class)
        .hasMessageContaining("both hold physical 0x2000 but at different file offsets");
  }

  /** Appends a PT_LOAD by rebuilding the header table (the note stays where it is). */
  static byte[] withExtraLoad(byte[] core, long offset, long paddr, long size) {
    ByteBuffer b = ByteBuffer.wrap(core).order(ByteOrder.LITTLE_ENDIAN);
    int phnum = b.getShort(56);
    long phoff = b.getLong(32);
    // New table at the end of the file.
    byte[] out = Arrays.copyOf(core, core.length + 56 * (phnum + 1));
    System.arraycopy(core, (int) phoff, out, core.length, 56 * phnum);
    System.arraycopy(
        CoreFile.phdr(1, offset, paddr, paddr, size, size), 0, out, core.length + 56 * phnum, 56);
    ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    o.putLong(32, core.length).putShort(56, (short) (phnum + 1));
    return out;
  }

  @Test
  void structuralErrorsNameTheProblem() {
    byte[] good = kernel.core().build();
    assertThatThrownBy(() -> open(Arrays.copyOf(good, 40)))
        .hasMessage("vm.core: 0x28 bytes, shorter than an ELF64 header (0x40)");
    byte[] elf32 = good.clone();
    elf32[4] = 1;
    assertThatThrownBy(() -> open(elf32)).hasMessageContaining("ELFCLASS32");
    byte[] exec = good.clone();
    exec[16] = 2;
    assertThatThrownBy(() -> open(exec)).hasMessageContaining("is not ET_CORE");
    byte[] arm = good.clone();
    arm[18] = (byte) 183;
    assertThatThrownBy(() -> open(arm)).hasMessageContaining("e_machine 183");
    // Truncated in the middle of the RAM segment.
    assertThatThrownBy(() -> open(Arrays.copyOf(good, good.length - 100)))
        .isInstanceOf(MalformedDumpException.class)
        .hasMessageContaining("program header 2: p_offset")
        .hasMessageContaining("exceeds the file size");
    // A huge segment: p_filesz near 2^64.
    byte[] huge = good.clone();
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 56 + 32, -8L);
    assertThatThrownBy(() -> open(huge)).hasMessageContaining("exceeds the file size");
    // A note whose descriptor claims more than its PT_NOTE.
    byte[] note = good.clone();
    long noteOffset = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(64 + 8);
    ByteBuffer.wrap(note).order(ByteOrder.LITTLE_ENDIAN).putInt((int) noteOffset + 4, 0x7fffffff);
    assertThatThrownBy(() -> open(note)).hasMessageContaining("exceed its PT_NOTE");
    // Program headers beyond the end of the file.
    byte[] many = good.clone();
    ByteBuffer.wrap(many).order(ByteOrder.LITTLE_ENDIAN).putLong(32, good.length - 100);
    assertThatThrownBy(() -> open(many)).hasMessageContaining("do not fit in the file");
  }

  @Test
  void extendedProgramHeaderNumbering() throws Exception {
    byte[] core = kernel.core().build();
    // PN_XNUM, the real count in section header 0's sh_info, appended at the end.
    byte[] out = Arrays.copyOf(core, core.length + 64);
    ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    int phnum = o.getShort(56);
    o.putShort(56, (short) 0xffff).putLong(40, core.length).putShort(58, (short) 64);
    o.putShort(60, (short) 1).putInt(core.length + 44, phnum);
    try (DumpMemory dump = open(out)) {
      assertThat(dump.segments()).hasSize(2);
    }
  }
}
