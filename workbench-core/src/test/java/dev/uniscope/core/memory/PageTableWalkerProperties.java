package dev.uniscope.core.memory;

import static dev.uniscope.core.memory.PageTables.GIB1;
import static dev.uniscope.core.memory.PageTables.KIB4;
import static dev.uniscope.core.memory.PageTables.MIB2;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The walker against a model of random mappings, and against random garbage tables. */
class PageTableWalkerProperties {

  /** One page: {@code pdpt} is unique per mapping so that mappings never share a leaf slot. */
  record Page(long size, int pml4, int pd, int pt, long frame) {
    long va(int pdpt) {
      long va = ((long) pml4 << 39) | ((long) pdpt << 30);
      if (size != GIB1) {
        va |= (long) pd << 21;
      }
      if (size == KIB4) {
        va |= (long) pt << 12;
      }
      return pml4 >= 256 ? va | 0xffff000000000000L : va;
    }

    long pa() {
      return frame * size;
    }
  }

  @Provide
  Arbitrary<List<Page>> pages() {
    Arbitrary<Page> page =
        Combinators.combine(
                Arbitraries.of(KIB4, MIB2, GIB1),
                Arbitraries.integers().between(0, 511),
                Arbitraries.integers().between(0, 511),
                Arbitraries.integers().between(0, 511),
                Arbitraries.longs().between(0, (1L << 21) - 1))
            .as(
                (size, pml4, pd, pt, frame) ->
                    new Page(
                        size,
                        pml4,
                        pd,
                        pt,
                        frame % (1L << (52 - Long.numberOfTrailingZeros(size)))));
    return page.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 300)
  void translationsMatchTheModel(
      @ForAll("pages") List<Page> pages,
      @ForAll @LongRange(min = 0, max = GIB1 - 1) long offset,
      @ForAll long probe)
      throws Exception {
    PhysicalBytes memory = new PhysicalBytes(2 << 20);
    PageTables tables = new PageTables(memory, 0x1000);
    for (int i = 0; i < pages.size(); i++) {
      Page p = pages.get(i);
      tables.map(p.va(i), p.pa(), p.size());
    }
    PageTableWalker w = new PageTableWalker(memory, tables.root);
    for (int i = 0; i < pages.size(); i++) {
      Page p = pages.get(i);
      long off = offset & (p.size() - 1);
      Translation t = w.translate(p.va(i) + off);
      assertThat(t.physicalAddress()).isEqualTo(p.pa() + off);
      assertThat(t.pageSize()).isEqualTo(p.size());
    }
    // Any other address: translated exactly as the model says, or reported unmapped.
    Long expected = null;
    for (int i = 0; i < pages.size(); i++) {
      Page p = pages.get(i);
      if (Long.compareUnsigned(probe - p.va(i), p.size()) < 0) {
        expected = p.pa() + (probe - p.va(i));
      }
    }
    try {
      long pa = w.translate(probe).physicalAddress();
      assertThat(expected).as("probe 0x%x translated", probe).isNotNull();
      assertThat(pa).isEqualTo(expected);
    } catch (UnmappedAddressException e) {
      assertThat(expected).as("probe 0x%x unmapped: %s", probe, e.getMessage()).isNull();
      assertThat(e.virtualAddress()).isEqualTo(probe);
    }
  }

  @Property(tries = 1000)
  void garbageTablesEndInAnswersOrMemoryErrors(
      @ForAll @Size(64 * 1024) byte[] garbage,
      @ForAll @IntRange(min = 0, max = 16) int root,
      @ForAll long va,
      @ForAll @IntRange(min = 0, max = 3 * 4096) int length,
      @ForAll boolean presentBitsEverywhere) {
    if (presentBitsEverywhere) {
      // Mostly present entries pointing inside the memory: deeper walks, loops, odd page sizes.
      for (int i = 0; i < garbage.length; i += 8) {
        garbage[i] |= 1;
        garbage[i + 2] &= 0x00;
        garbage[i + 3] = 0;
        garbage[i + 4] = 0;
        garbage[i + 5] = 0;
        garbage[i + 6] = 0;
      }
    }
    PhysicalBytes memory = new PhysicalBytes(garbage);
    VirtualReader v = new VirtualReader(memory, () -> (long) root << 12);
    try {
      byte[] b = v.read(va, length);
      assertThat(b).hasSize(length);
    } catch (MemoryAccessException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    List<Long> probes = new ArrayList<>(List.of(va, va + 4096, ~va));
    for (long p : probes) {
      try {
        new PageTableWalker(memory, (long) root << 12).translate(p);
      } catch (MemoryAccessException e) {
        assertThat(e.getMessage()).contains("0x");
      }
    }
  }
}
