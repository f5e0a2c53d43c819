package dev.uniscope.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code info mtree -f} as QEMU 7.2 prints it for the q35 machine (trimmed). */
class QemuMemoryTreeTest {
  static final String MTREE =
      """
      FlatView #0
       AS "cpu-smm-0", root: memory
       Root memory region: memory
        0000000000000000-000000000009ffff (prio 0, ram): pc.ram
        00000000000c0000-00000000000dffff (prio 1, rom): pc.rom
        0000000000100000-0000000007ffffff (prio 0, ram): pc.ram @0000000000100000
        0000000000200000-0000000000200fff (prio 0, ram): smram-only
      FlatView #2
       AS "I/O", root: io
       Root memory region: io
        0000000000000000-0000000000000007 (prio 0, i/o): dma-chan
      FlatView #3
       AS "memory", root: system
       AS "cpu-memory-0", root: system
       Root memory region: system
        0000000000000000-000000000009ffff (prio 0, ram): pc.ram
        00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem
        00000000000c0000-00000000000dffff (prio 1, rom): pc.rom
        00000000000e0000-00000000000fffff (prio 0, rom): pc.bios @0000000000020000
        0000000000100000-0000000007ffffff (prio 0, ram): pc.ram @0000000000100000
        00000000fd000000-00000000fdffffff (prio 1, ram): vga.vram
        00000000fec00000-00000000fec00fff (prio 0, i/o): ioapic
        00000000fee00000-00000000feefffff (prio 4096, i/o): apic-msi
        00000000fffc0000-00000000ffffffff (prio 0, romd): pc.bios
      FlatView #4
       AS "mch", root: bus master container
        0000000000000000-ffffffffffffffff (prio 0, ram): other
      """;

  @Test
  void keepsRamAndRomOfTheMemoryAddressSpaceOnly() throws Exception {
    PhysicalMap map = QemuMemoryTree.parse(MTREE);
    assertThat(map.ranges())
        .containsExactly(
            new PhysicalRange(0, 0xa0000),
            new PhysicalRange(0xc0000, 0x8000000 - 0xc0000),
            new PhysicalRange(0xfd000000L, 0x1000000),
            new PhysicalRange(0xfffc0000L, 0x40000));
    map.check(0x7fffff8, 8);
    assertThatThrownBy(() -> map.check(0xfee00000L, 4))
        .isInstanceOf(AbsentMemoryException.class)
        .hasMessageContaining("0xfee00000");
    assertThatThrownBy(() -> map.check(0x7fffff8, 16))
        .isInstanceOf(AbsentMemoryException.class)
        .hasMessageContaining("0x8000000");
  }

  @Test
  void outputWithoutTheMemoryViewIsAnError() {
    assertThatThrownBy(() -> QemuMemoryTree.parse("unknown command: 'info'"))
        .isInstanceOf(TargetAccessException.class)
        .hasMessageContaining("no RAM");
  }
}
