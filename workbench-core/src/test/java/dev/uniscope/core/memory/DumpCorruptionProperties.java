package dev.uniscope.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Corrupted ELF cores (truncation, bit flips, hostile program headers and notes) either open or
 * fail with a {@link MalformedDumpException}; whatever opens answers reads with bytes or a {@link
 * MemoryAccessException}. Never another exception, a hang, or an allocation sized by the file.
 */
class DumpCorruptionProperties {
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final byte[] CORE = smallCore();

  /** Where the structure is: ELF header, program headers, notes. Flips aim there mostly. */
  static final int STRUCTURE = 64 + 56 * 3 + 2000;

  /** 256 KiB of RAM in two PT_LOADs, page tables inside, two vCPUs and a VMCOREINFO note. */
  static byte[] smallCore() {
    PhysicalBytes memory = new PhysicalBytes(256 << 10);
    PageTables tables = new PageTables(memory, 0x1000);
    for (int i = 0; i < 8; i++) {
      tables.map(SyntheticKernel.BASE + 4096L * i, 0x20000 + 4096L * i, 4096);
    }
    tables.map(SyntheticKernel.DIRECT, 0, 1 << 21);
    CoreFile c = new CoreFile();
    c.cpu(0, SyntheticKernel.BASE, 0, 0x80050033L, tables.root, 0x3606e0L);
    c.cpu(1, SyntheticKernel.BASE, 0, 0x80050033L, tables.root, 0x3606e0L);
    c.note(
        "VMCOREINFO",
        0,
        new SyntheticKernel()
            .vmcoreInfo(SyntheticKernel.SLIDE, SyntheticKernel.BUILD_ID)
            .getBytes(StandardCharsets.US_ASCII));
    c.load(0, java.util.Arrays.copyOfRange(memory.bytes, 0, 0x10000));
    c.load(0x10000, java.util.Arrays.copyOfRange(memory.bytes, 0x10000, 256 << 10));
    return c.build();
  }

  @Provide
  Arbitrary<List<Integer>> flips() {
    Arbitrary<Integer> structural = Arbitraries.integers().between(0, STRUCTURE * 8 - 1);
    Arbitrary<Integer> anywhere = Arbitraries.integers().between(0, CORE.length * 8 - 1);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(9, structural), net.jqwik.api.Tuple.of(1, anywhere))
        .list()
        .ofMinSize(1)
        .ofMaxSize(6);
  }

  @Property(tries = 1000)
  void bitFlipsAndTruncation(
      @ForAll("flips") List<Integer> bits,
      @ForAll @IntRange(min = 0, max = 3) int truncateMode,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut,
      @ForAll long probe) {
    byte[] core = CORE.clone();
    for (int bit : bits) {
      core[bit >>> 3] ^= (byte) (1 << (bit & 7));
    }
    if (truncateMode == 1) {
      core = java.util.Arrays.copyOf(core, cut % core.length);
    }
    byte[] file = core;
    Statistics.label("opened")
        .collect(assertTimeoutPreemptively(DEADLINE, () -> exercise(file, probe)));
    // Not vacuous: a good share of the corrupted files must open and be read.
    Statistics.label("opened").coverage(c -> c.check(true).percentage(p -> p > 5));
  }

  @Property(tries = 1000)
  void hostileProgramHeadersAndNotes(
      @ForAll @IntRange(min = 0, max = 2) int header,
      @ForAll @IntRange(min = 0, max = 6) int field,
      @ForAll("hostileValues") long value,
      @ForAll @IntRange(min = 0, max = 40) int noteWord,
      @ForAll("hostileValues") long noteValue,
      @ForAll long probe) {
    byte[] core = CORE.clone();
    ByteBuffer b = ByteBuffer.wrap(core).order(ByteOrder.LITTLE_ENDIAN);
    int at = 64 + 56 * header + (field == 0 ? 0 : 8 * field);
    if (field == 0) {
      b.putInt(at, (int) value);
    } else {
      b.putLong(at, value);
    }
    long notes = ByteBuffer.wrap(CORE).order(ByteOrder.LITTLE_ENDIAN).getLong(64 + 8);
    b.putInt((int) notes + 4 * noteWord, (int) noteValue);
    Statistics.label("opened")
        .collect(assertTimeoutPreemptively(DEADLINE, () -> exercise(core, probe)));
    Statistics.label("opened").coverage(c -> c.check(true).percentage(p -> p > 10));
  }

  @Provide
  Arbitrary<Long> hostileValues() {
    return Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.of(
            0L,
            1L,
            -1L,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            0xffffffffL,
            0x7fffffffL,
            (long) CORE.length,
            CORE.length - 1L,
            0x10000L,
            0xfffffffffffff000L),
        Arbitraries.longs().between(0, CORE.length + 4096L));
  }

  /** Whether the dump opened. */
  private static boolean exercise(byte[] file, long probe) {
    DumpMemory dump;
    try {
      dump = DumpMemory.of(MemorySegment.ofArray(file), "vm.core");
    } catch (MalformedDumpException e) {
      assertThat(e.getMessage()).startsWith("vm.core: ");
      return false;
    }
    try (dump) {
      assertThat(dump.cpus().size()).isLessThanOrEqualTo(ElfCore.MAX_NOTES);
      long[] physical = {probe, probe & 0x3ffff, 0x20000, 0xfff8, 0};
      long[] virtual = {probe, SyntheticKernel.BASE, SyntheticKernel.DIRECT + (probe & 0x3ffff)};
      for (long a : physical) {
        readOrExplain(dump.physical(), a, 4096);
      }
      for (long a : virtual) {
        readOrExplain(dump.virtual(), a, 8192);
      }
      try {
        KernelLayout.find(dump);
      } catch (KernelLayoutException | MemoryAccessException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
    return true;
  }

  private static void readOrExplain(MemoryReader r, long address, int length) {
    try {
      assertThat(r.read(address, length)).hasSize(length);
      assertThat(r.cString(address, 64)).hasSizeLessThanOrEqualTo(64);
    } catch (MalformedDumpException e) {
      // No usable page-table root: about the dump, not an address.
      assertThat(e.getMessage()).startsWith("vm.core: ");
    } catch (MemoryAccessException e) {
      assertThat(e.getMessage()).contains("0x");
    }
  }
}
