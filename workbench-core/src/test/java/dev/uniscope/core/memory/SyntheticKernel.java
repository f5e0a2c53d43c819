package dev.uniscope.core.memory;

import static dev.uniscope.core.memory.PageTables.KIB4;
import static dev.uniscope.core.memory.PageTables.MIB2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A miniature of the kernel's physical memory (docs/kaslr.md): page tables in a pool at 1 MiB, the
 * layout block at 0x200000, the image mapped with 4 KiB pages at a slid base, and a 2 MiB direct
 * map of all of it.
 */
final class SyntheticKernel {
  static final long LINK = 0xffffffff80200000L;
  static final long SLIDE = 0xffffa949be679000L;
  static final long BASE = LINK + SLIDE;
  static final long DIRECT = 0xffff87d3c2a00000L;
  static final int SIZE = 4 << 20;
  static final int IMAGE_PAGES = 16;
  static final String BUILD_ID = "0bd1d38d3408ac776ae2056f24c45afce16459a2";

  final PhysicalBytes memory = new PhysicalBytes(SIZE);
  final PageTables tables = new PageTables(memory, 0x100000);

  SyntheticKernel() {
    for (int i = 0; i < IMAGE_PAGES; i++) {
      tables.map(BASE + i * KIB4, 0x200000 + i * KIB4, KIB4);
    }
    for (long pa = 0; pa < SIZE; pa += MIB2) {
      tables.map(DIRECT + pa, pa, MIB2);
    }
    // Recognisable image bytes after the block.
    for (int i = 4096; i < IMAGE_PAGES * 4096; i++) {
      memory.bytes[0x200000 + i] = (byte) (i * 31 + 7);
    }
    writeLayoutBlock(1, SLIDE);
  }

  void writeLayoutBlock(int state, long slide) {
    ByteBuffer b = ByteBuffer.wrap(memory.bytes, 0x200000, 896).slice();
    b.order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("USCOPELY".getBytes(StandardCharsets.US_ASCII));
    b.putInt(8, 1).putInt(12, 896).putInt(16, state).putInt(20, 20);
    byte[] id = java.util.HexFormat.of().parseHex(BUILD_ID);
    for (int i = 0; i < 20; i++) {
      b.put(24 + i, id[i]);
    }
    b.putLong(56, LINK).putLong(64, LINK + slide).putLong(72, slide).putLong(80, 0x200000);
    b.putLong(88, IMAGE_PAGES * 4096L).putInt(104, 1).putInt(120, 2).putInt(124, 0);
  }

  String vmcoreInfo(long slide, String buildId) {
    return "UNISCOPE_LAYOUT=0x200000\nKERNELOFFSET="
        + Long.toHexString(slide)
        + "\nUNISCOPE_BASE=0x"
        + Long.toHexString(LINK + slide)
        + "\nUNISCOPE_LINK_BASE=0xffffffff80200000\nBUILD-ID="
        + buildId
        + "\n";
  }

  /** A dump of this memory as QEMU writes it: RAM split around a hole, two vCPUs, vmcoreinfo. */
  CoreFile core() {
    CoreFile c = new CoreFile();
    c.cpu(0, BASE + 0x1234, DIRECT + 0x3000, 0x80050033L, tables.root, 0x3606e0L);
    c.cpu(1, BASE + 0x5678, DIRECT + 0x4000, 0x80050033L, tables.root, 0x3606e0L);
    c.note("VMCOREINFO", 0, vmcoreInfo(SLIDE, BUILD_ID).getBytes(StandardCharsets.US_ASCII));
    c.load(0, java.util.Arrays.copyOfRange(memory.bytes, 0, 0xa0000));
    c.load(0xc0000, java.util.Arrays.copyOfRange(memory.bytes, 0xc0000, SIZE));
    return c;
  }
}
