package dev.uniscope.core.memory;

import static dev.uniscope.core.memory.PageTables.GIB1;
import static dev.uniscope.core.memory.PageTables.KIB4;
import static dev.uniscope.core.memory.PageTables.MIB2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The 4-level walk on hand-built tables: each page size, missing entries, hostile entries. */
class PageTableWalkerTest {
  static final long KERNEL = 0xffffa9493e879000L;
  static final long DIRECT = 0xffff87d3c2a00000L;

  final PhysicalBytes memory = new PhysicalBytes(8 << 20);
  final PageTables tables = new PageTables(memory, 0x100000);

  @Test
  void translatesEachPageSizeAndIgnoresNxAndCr3LowBits() throws Exception {
    tables.map(KERNEL, 0x200000, KIB4);
    tables.map(KERNEL + KIB4, 0x3ff000, KIB4);
    tables.map(DIRECT, 0x400000, MIB2);
    tables.map(0xffff800000000000L, 0x40000000L, GIB1);
    // PCID and flag bits in CR3 must not move the root.
    PageTableWalker w = new PageTableWalker(memory, tables.root | 0x18 | 0xabc);

    assertThat(w.translate(KERNEL + 0x123))
        .isEqualTo(new Translation(KERNEL + 0x123, 0x200123, KIB4));
    assertThat(w.translate(KERNEL + KIB4 + 0xfff).physicalAddress()).isEqualTo(0x3fffffL);
    Translation big = w.translate(DIRECT + 0x1fffff);
    assertThat(big.physicalAddress()).isEqualTo(0x5fffffL);
    assertThat(big.pageSize()).isEqualTo(MIB2);
    assertThat(big.bytesToPageEnd()).isEqualTo(1);
    Translation huge = w.translate(0xffff800000000000L + 0x3456789);
    assertThat(huge.physicalAddress()).isEqualTo(0x40000000L + 0x3456789);
    assertThat(huge.pageSize()).isEqualTo(GIB1);
  }

  @Test
  void notPresentEntriesNameTheLevelAndTheAddress() {
    tables.map(KERNEL, 0x200000, KIB4);
    PageTableWalker w = new PageTableWalker(memory, tables.root);
    // Same PT, next slot empty.
    assertThatThrownBy(() -> w.translate(KERNEL + KIB4))
        .isInstanceOf(UnmappedAddressException.class)
        .hasMessageContaining("virtual address 0x" + Long.toHexString(KERNEL + KIB4))
        .hasMessageContaining("PT entry");
    assertThatThrownBy(() -> w.translate(0x1000))
        .isInstanceOf(UnmappedAddressException.class)
        .hasMessageContaining("PML4 entry 0 (at phys 0x100000) is not present")
        .satisfies(
            e -> assertThat(((UnmappedAddressException) e).virtualAddress()).isEqualTo(0x1000));
  }

  @Test
  void nonCanonicalAddressesAreRefusedWithoutReading() {
    PageTableWalker w = new PageTableWalker(memory, tables.root);
    int before = memory.reads;
    assertThatThrownBy(() -> w.translate(0x0000800000000000L))
        .isInstanceOf(UnmappedAddressException.class)
        .hasMessageContaining("non-canonical");
    assertThatThrownBy(() -> w.translate(0x7fff800000000000L))
        .isInstanceOf(UnmappedAddressException.class);
    assertThat(memory.reads).isEqualTo(before);
  }

  @Test
  void entryPointingOutsideMemoryIsAnUnmappedAddressNamingTheTable() {
    tables.map(KERNEL, 0x200000, KIB4);
    memory.putLong(tables.entryAddress(KERNEL, 1), 0x000f_0000_0000_0000L | 3);
    PageTableWalker w = new PageTableWalker(memory, tables.root);
    assertThatThrownBy(() -> w.translate(KERNEL))
        .isInstanceOf(UnmappedAddressException.class)
        .hasMessageContaining("PD table at phys 0xf000000000000 is outside memory");
  }

  @Test
  void rootOutsideMemory() {
    PageTableWalker w = new PageTableWalker(memory, 0x7fff_ffff_f000L);
    assertThatThrownBy(() -> w.translate(KERNEL))
        .isInstanceOf(UnmappedAddressException.class)
        .hasMessageContaining("PML4 table");
  }

  @Test
  void selfReferencingEntriesEndAfterFourLevels() throws Exception {
    // Every PML4 entry points back at the PML4 itself (a recursive mapping run wild).
    for (int i = 0; i < 512; i++) {
      memory.putLong(tables.root + 8L * i, tables.root | 3);
    }
    PageTableWalker w = new PageTableWalker(memory, tables.root);
    // The fourth read treats the PML4 as a PT: the "frame" is the PML4 page itself.
    Translation t = w.translate(KERNEL);
    assertThat(t.physicalAddress()).isEqualTo(tables.root | (KERNEL & 0xfff));
    assertThat(memory.reads).isEqualTo(1); // one table page, cached
  }

  @Test
  void virtualReadsSpanPagesOfDifferentSizesAndCoalescePhysicalRuns() throws Exception {
    for (int i = 0; i < 3 * 4096; i++) {
      memory.bytes[0x200000 + i] = (byte) i;
      memory.bytes[0x500000 + i] = (byte) (i * 7);
    }
    tables.map(KERNEL, 0x200000, KIB4);
    tables.map(KERNEL + KIB4, 0x201000, KIB4); // contiguous with the previous page
    tables.map(KERNEL + 2 * KIB4, 0x500000, KIB4); // elsewhere
    VirtualReader v = new VirtualReader(memory, () -> tables.root);
    int before = memory.reads;
    byte[] got = v.read(KERNEL + 0x800, 2 * 4096);
    for (int i = 0; i < got.length; i++) {
      int off = 0x800 + i;
      byte want = off < 2 * 4096 ? (byte) off : (byte) ((off - 2 * 4096) * 7);
      assertThat(got[i]).as("byte %d", i).isEqualTo(want);
    }
    // Four table pages, then two physical runs.
    assertThat(memory.reads - before).isEqualTo(4 + 2);
    assertThat(v.u64(KERNEL + 8)).isEqualTo(0x0f0e0d0c0b0a0908L);
    assertThat(v.u32(KERNEL + 4)).isEqualTo(0x07060504L);
    assertThat(v.u16(KERNEL + 2)).isEqualTo(0x0302);
    assertThat(v.u8(KERNEL + 0xff)).isEqualTo(0xff);
  }

  @Test
  void aReadFailsBeforeCopyingWhenAnyPageIsUnmapped() throws Exception {
    tables.map(KERNEL, 0x200000, KIB4);
    VirtualReader v = new VirtualReader(memory, () -> tables.root);
    byte[] dst = new byte[8192];
    int before = memory.reads;
    assertThatThrownBy(() -> v.read(KERNEL, dst, 0, dst.length))
        .isInstanceOf(UnmappedAddressException.class)
        .hasMessageContaining("0x" + Long.toHexString(KERNEL + KIB4));
    assertThat(memory.reads - before).as("only table reads").isEqualTo(4);
  }

  @Test
  void cStringsStopAtNulOrTheLimitAndCrossPages() throws Exception {
    tables.map(KERNEL, 0x200000, KIB4);
    tables.map(KERNEL + KIB4, 0x300000, KIB4);
    byte[] s = "kvstore".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(s, 0, memory.bytes, 0x200ffc, 4);
    System.arraycopy(s, 4, memory.bytes, 0x300000, 3);
    VirtualReader v = new VirtualReader(memory, () -> tables.root);
    assertThat(v.cString(KERNEL + 0xffc, 64)).isEqualTo("kvstore");
    assertThat(v.cString(KERNEL + 0xffc, 3)).isEqualTo("kvs");
    // A string ending at the last mapped byte (no NUL before the unmapped page) fails there.
    java.util.Arrays.fill(memory.bytes, 0x300000, 0x301000, (byte) 'x');
    assertThatThrownBy(() -> v.cString(KERNEL + 0xffc, 8192))
        .isInstanceOf(UnmappedAddressException.class);
  }

  @Test
  void readsAreBounded() {
    VirtualReader v = new VirtualReader(memory, () -> tables.root);
    assertThatThrownBy(() -> v.read(KERNEL, TargetMemory.MAX_READ + 1))
        .isInstanceOf(ReadLimitException.class)
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> v.read(-16, 32))
        .isInstanceOf(ReadLimitException.class)
        .hasMessageContaining("wraps");
    assertThatThrownBy(() -> v.cString(KERNEL, -1)).isInstanceOf(ReadLimitException.class);
  }
}
