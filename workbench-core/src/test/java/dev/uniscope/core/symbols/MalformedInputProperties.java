package dev.uniscope.core.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.core.symbols.dwarf.DebugSections;
import dev.uniscope.core.symbols.dwarf.LineTable;
import dev.uniscope.core.symbols.elf.ElfFile;
import dev.uniscope.core.symbols.elf.ElfSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;

/**
 * Truncated and bit-flipped ELF files and line tables either parse or fail with {@link
 * MalformedBinaryException} and a message; never another exception, a hang or a huge allocation.
 */
class MalformedInputProperties {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** The DWARF 5 fixture and where its interesting regions are. */
  private record Sample(byte[] elf, long[][] regions, byte[] debugLine, byte[] debugLineStr) {}

  private static Sample sample;

  private static synchronized Sample sample() {
    Assume.that(PeerTools.available());
    if (sample == null) {
      try {
        byte[] bytes = Files.readAllBytes(Fixtures.binary(Fixtures.Variant.DWARF5_PIE));
        try (ElfFile elf = ElfFile.of(MemorySegment.ofArray(bytes), "fixture")) {
          ElfSection line = elf.section(".debug_line").orElseThrow();
          ElfSection lineStr = elf.section(".debug_line_str").orElseThrow();
          ElfSection symtab = elf.section(".symtab").orElseThrow();
          ElfSection info = elf.section(".debug_info").orElseThrow();
          ElfSection notes = elf.section(".note.gnu.build-id").orElseThrow();
          long shoff = MemorySegment.ofArray(bytes).get(LE_LONG, 0x28);
          long[][] regions = {
            {0, 64},
            {64, 56L * 4},
            {shoff, 64L * elf.sections().size()},
            {line.offset(), line.size()},
            {symtab.offset(), symtab.size()},
            {info.offset(), info.size()},
            {notes.offset(), notes.size()},
            {0, bytes.length}
          };
          sample =
              new Sample(
                  bytes,
                  regions,
                  elf.contents(line).toArray(ValueLayout.JAVA_BYTE),
                  elf.contents(lineStr).toArray(ValueLayout.JAVA_BYTE));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return sample;
  }

  private static final ValueLayout.OfLong LE_LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

  @Property(tries = 500)
  void truncatedElf(@ForAll("fractions") double fraction) {
    byte[] elf = sample().elf();
    byte[] cut = java.util.Arrays.copyOf(elf, (int) (elf.length * fraction));
    parsesOrFailsCleanly(cut);
  }

  @Property(tries = 1000)
  void bitFlippedElf(@ForAll("flips") List<Tuple2<Integer, Long>> flips) {
    Sample s = sample();
    byte[] bytes = s.elf().clone();
    for (Tuple2<Integer, Long> flip : flips) {
      long[] region = s.regions()[flip.get1()];
      long bit = Math.floorMod(flip.get2(), Math.max(1, region[1] * 8));
      int at = (int) (region[0] + bit / 8);
      if (at >= 0 && at < bytes.length) {
        bytes[at] ^= (byte) (1 << (bit % 8));
      }
    }
    parsesOrFailsCleanly(bytes);
  }

  @Property(tries = 1000)
  void corruptedLineTable(
      @ForAll("flips") List<Tuple2<Integer, Long>> flips, @ForAll("fractions") double keep) {
    Sample s = sample();
    byte[] line = s.debugLine().clone();
    for (Tuple2<Integer, Long> flip : flips) {
      long bit = Math.floorMod(flip.get2(), line.length * 8L);
      line[(int) (bit / 8)] ^= (byte) (1 << (bit % 8));
    }
    // Truncated in about a third of the tries; the rest exercise the flips alone.
    int length = keep < 0.3 ? (int) (line.length * keep / 0.3) : line.length;
    byte[] cut = java.util.Arrays.copyOf(line, length);
    MemorySegment empty = MemorySegment.ofArray(new byte[0]);
    DebugSections sections =
        new DebugSections(
            MemorySegment.ofArray(cut),
            MemorySegment.ofArray(s.debugLineStr()),
            empty,
            empty,
            empty);
    String outcome =
        withDeadline(
            () -> {
              try {
                LineTable table = LineTable.read(sections);
                for (int i = 0; i < table.rowCount(); i += 7) {
                  table.lookup(table.address(i));
                }
                return "parsed";
              } catch (MalformedBinaryException e) {
                assertThat(e.getMessage()).contains(".debug_line");
                return "malformed";
              }
            });
    Statistics.collect(outcome);
  }

  /** Runs on one reused daemon thread, so a hang fails the try instead of the build. */
  private static final ExecutorService WORKER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "malformed-input-worker");
            t.setDaemon(true);
            return t;
          });

  private static String withDeadline(Callable<String> body) {
    Future<String> result = WORKER.submit(body);
    try {
      return result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw new AssertionError("no result within " + DEADLINE + ": a hang", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError("unexpected exception: " + e.getCause(), e.getCause());
    }
  }

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.doubles().between(0, 1);
  }

  @Provide
  Arbitrary<List<Tuple2<Integer, Long>>> flips() {
    Arbitrary<Tuple2<Integer, Long>> one =
        Arbitraries.integers()
            .between(0, 7)
            .flatMap(r -> Arbitraries.longs().map(bit -> Tuple.of(r, bit)));
    return one.list().ofMinSize(1).ofMaxSize(8);
  }

  private static void parsesOrFailsCleanly(byte[] bytes) {
    String outcome =
        withDeadline(
            () -> {
              try (ElfFile elf = ElfFile.of(MemorySegment.ofArray(bytes), "fuzzed.elf")) {
                elf.buildId();
                Symbolizer symbolizer = Symbolizer.from(elf);
                FunctionTable f = symbolizer.functions();
                for (int i = 0; i < f.size(); i++) {
                  symbolizer.symbolize(f.start(i) + 1, Slide.NONE).toString();
                }
                for (ElfSection section : elf.sections()) {
                  if (section.isAllocated() && section.size() > 0) {
                    try {
                      elf.read(section.address(), (int) Math.min(section.size(), 16));
                    } catch (MalformedBinaryException e) {
                      assertThat(e.getMessage()).contains("fuzzed.elf");
                    }
                  }
                }
                return "parsed";
              } catch (MalformedBinaryException e) {
                assertThat(e.getMessage()).isNotBlank();
                return "malformed";
              }
            });
    Statistics.collect(outcome);
  }
}
