package dev.uniscope.core.symbols;

import dev.uniscope.core.symbols.binary.ByteCursor;
import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.core.symbols.elf.BuildId;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's layout block ({@code struct uslayout}, docs/kaslr.md): the slide, build-id and
 * region table of one boot. The same bytes arrive in the hello record, are read from guest physical
 * memory through the gdb stub, or are found in a dump, so this one decoder serves all three {@link
 * Slide.Origin}s.
 *
 * @param valid false while the kernel has not filled it yet ({@code state = 0}, early boot)
 */
public record LayoutBlock(
    int version,
    int size,
    boolean valid,
    BuildId buildId,
    long linkBase,
    long virtBase,
    long slide,
    long physBase,
    long imageSize,
    long kaslrSeed,
    boolean kaslrEnabled,
    int seedSource,
    long tscKhz,
    int cpus,
    List<Region> regions) {
  /** Guest-physical address of the block. */
  public static final long PHYSICAL_ADDRESS = 0x200000L;

  /** Bit of {@link #seedSource} set when virtio-rng bytes were mixed into the seed. */
  public static final int SEED_VIRTIO_RNG = 0x100;

  /**
   * Where the KASLR seed came from, as the kernel's boot line says it: {@code rdrand}, {@code tsc},
   * {@code cmdline} or {@code none}, with {@code +virtio-rng} when the device contributed
   * (docs/kaslr.md, layout block offset 108).
   */
  public String seedSourceName() {
    String primary =
        switch (seedSource & 0xff) {
          case 0 -> "rdrand";
          case 1 -> "tsc";
          case 2 -> "cmdline";
          case 3 -> "none";
          default -> "source " + (seedSource & 0xff);
        };
    return (seedSource & SEED_VIRTIO_RNG) != 0 ? primary + "+virtio-rng" : primary;
  }

  /** Bytes before the region table; enough to learn the slide. */
  public static final int HEADER_SIZE = 128;

  public static final int REGION_SIZE = 48;
  public static final int MAX_REGIONS = 16;

  private static final byte[] MAGIC = "USCOPELY".getBytes(StandardCharsets.US_ASCII);

  /** One entry of the region table. */
  public record Region(int kind, int flags, String name, long start, long size, long phys) {
    public static final int TEXT = 1;
    public static final int RODATA = 2;
    public static final int DATA = 3;
    public static final int BSS = 4;
    public static final int HEAP = 5;
    public static final int PERCPU = 6;
    public static final int STACKS = 7;
    public static final int MMIO = 8;
    public static final int DIRECTMAP = 9;
    public static final int KSYMS = 10;

    public boolean readable() {
      return (flags & 1) != 0;
    }

    public boolean writable() {
      return (flags & 2) != 0;
    }

    public boolean executable() {
      return (flags & 4) != 0;
    }
  }

  /**
   * Decodes a block from its first bytes: at least {@link #HEADER_SIZE}, and the whole region table
   * the block announces.
   *
   * @throws MalformedBinaryException for a wrong magic, an unknown version, or sizes and counts
   *     that do not fit
   */
  public static LayoutBlock parse(byte[] bytes) throws MalformedBinaryException {
    ByteCursor in = new ByteCursor(MemorySegment.ofArray(bytes), "layout block");
    if (bytes.length < HEADER_SIZE) {
      throw in.error("0x%x bytes, shorter than the 0x%x-byte header", bytes.length, HEADER_SIZE);
    }
    for (byte m : MAGIC) {
      if (in.u8() != (m & 0xff)) {
        throw new MalformedBinaryException(
            "layout block: bad magic (expected USCOPELY): not a Uniscope kernel, or not its"
                + " layout address");
      }
    }
    int version = (int) in.u32();
    if (version != 1) {
      throw in.error("unsupported version %d (this workbench reads version 1)", version);
    }
    long size = in.u32();
    int state = (int) in.u32();
    long buildIdLength = in.u32();
    if (buildIdLength > 32) {
      throw in.error("build_id_len %d exceeds the 32-byte field", buildIdLength);
    }
    byte[] id = new byte[(int) buildIdLength];
    for (int i = 0; i < 32; i++) {
      int b = in.u8();
      if (i < id.length) {
        id[i] = (byte) b;
      }
    }
    long linkBase = in.u64();
    long virtBase = in.u64();
    long slide = in.u64();
    long physBase = in.u64();
    long imageSize = in.u64();
    long seed = in.u64();
    boolean kaslr = in.u32() != 0;
    int seedSource = (int) in.u32();
    long tscKhz = in.u64();
    int cpus = (int) in.u32();
    long regionCount = in.u32();
    boolean valid = state == 1;
    if (regionCount > MAX_REGIONS) {
      throw in.error("nregions %d exceeds %d", regionCount, MAX_REGIONS);
    }
    long needed = HEADER_SIZE + regionCount * REGION_SIZE;
    if (size < needed) {
      throw in.error("size %d is too small for %d regions", size, regionCount);
    }
    if (bytes.length < needed) {
      throw in.error(
          "0x%x bytes given, the header and %d regions need 0x%x",
          bytes.length, regionCount, needed);
    }
    if (valid && slide != virtBase - linkBase) {
      throw in.error(
          "slide 0x%x is not virt_base 0x%x - link_base 0x%x", slide, virtBase, linkBase);
    }
    List<Region> regions = new ArrayList<>((int) regionCount);
    for (int i = 0; i < regionCount; i++) {
      int kind = (int) in.u32();
      int flags = (int) in.u32();
      byte[] name = new byte[16];
      int nameLength = 0;
      for (int j = 0; j < 16; j++) {
        name[j] = (byte) in.u8();
        if (name[j] != 0 && nameLength == j) {
          nameLength++;
        }
      }
      regions.add(
          new Region(
              kind,
              flags,
              new String(name, 0, nameLength, StandardCharsets.US_ASCII),
              in.u64(),
              in.u64(),
              in.u64()));
    }
    return new LayoutBlock(
        version,
        (int) size,
        valid,
        new BuildId(id),
        linkBase,
        virtBase,
        slide,
        physBase,
        imageSize,
        seed,
        kaslr,
        seedSource,
        tscKhz,
        cpus,
        List.copyOf(regions));
  }

  /** This boot's slide, once the kernel has filled the block. */
  public Optional<Slide> slide(Slide.Origin origin) {
    return valid ? Optional.of(Slide.of(slide, origin)) : Optional.empty();
  }

  /** Whether the block comes from the same build as the symbolizer's ELF. */
  public boolean matches(Symbolizer symbolizer) {
    return symbolizer.buildId().map(buildId::equals).orElse(false);
  }
}
