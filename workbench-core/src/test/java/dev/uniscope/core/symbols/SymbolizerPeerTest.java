package dev.uniscope.core.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uniscope.core.symbols.elf.ElfFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real binaries from the host gcc, checked against nm, addr2line and readelf. */
class SymbolizerPeerTest {
  @BeforeAll
  static void toolchain() {
    assumeTrue(PeerTools.available(), "gcc, nm, addr2line and readelf are needed on the PATH");
  }

  @ParameterizedTest
  @EnumSource(Fixtures.Variant.class)
  void functionsAndLinesMatchNmAndAddr2line(Fixtures.Variant variant) throws Exception {
    Path bin = Fixtures.binary(variant);
    Symbolizer symbolizer = Symbolizer.load(bin);
    PeerComparison peers = new PeerComparison(bin, symbolizer, Slide.NONE);
    // Small functions in full, libc's (static-pie) sampled.
    long[] addresses = peers.addresses(variant == Fixtures.Variant.STATIC_PIE ? 4 : 1000);
    peers.checkFunctions(addresses);
    int withLines = peers.checkLines(addresses);
    assertThat(withLines).as("addresses with a line in %s", variant).isGreaterThan(20);
  }

  @ParameterizedTest
  @EnumSource(Fixtures.Variant.class)
  void slideIsAppliedBothWays(Fixtures.Variant variant) throws Exception {
    Path bin = Fixtures.binary(variant);
    Symbolizer symbolizer = Symbolizer.load(bin);
    for (Slide slide :
        List.of(
            Slide.of(0x7f3a_1c20_0000L, Slide.Origin.USER),
            Slide.of(-0x1000L, Slide.Origin.DUMP))) {
      new PeerComparison(bin, symbolizer, slide).checkAll(8);
    }
  }

  @ParameterizedTest
  @EnumSource(Fixtures.Variant.class)
  void buildIdMatchesReadelf(Fixtures.Variant variant) throws Exception {
    Path bin = Fixtures.binary(variant);
    try (ElfFile elf = ElfFile.open(bin)) {
      assertThat(elf.buildId().map(Object::toString)).isEqualTo(PeerTools.buildId(bin));
    }
  }

  @Test
  void unsizedAssemblyLabelUsesTheBoundedFallback() throws Exception {
    Path bin = Fixtures.binary(Fixtures.Variant.DWARF5_PIE);
    Symbolizer symbolizer = Symbolizer.load(bin);
    long label = symbolizer.resolve("bare_label", Slide.NONE).orElseThrow().runtimeAddress();
    assertThat(symbolizer.symbolize(label, Slide.NONE).label()).isEqualTo("bare_label");
    assertThat(symbolizer.symbolize(label + 4, Slide.NONE).label()).isEqualTo("bare_label+0x4");
    assertThat(symbolizer.functionName(label + 4, Slide.NONE)).isEqualTo("bare_label");
  }

  @Test
  void strippedBinaryFallsBackToDynsym() throws Exception {
    Path bin = PeerTools.stripped(Fixtures.binary(Fixtures.Variant.DYNAMIC_EXPORTS));
    Symbolizer symbolizer = Symbolizer.load(bin);
    int checked = 0;
    for (PeerTools.NmSymbol s : PeerTools.nm(bin, true)) {
      if (s.type() == 'T' && s.size() > 0) {
        SymbolizedAddress inside = symbolizer.symbolize(s.address() + s.size() / 2, Slide.NONE);
        assertThat(inside.function()).as("0x%x", s.address()).isEqualTo(s.name());
        assertThat(inside.offset()).isEqualTo(s.size() / 2);
        assertThat(inside.source()).as("no .debug_line left").isNull();
        checked++;
      }
    }
    assertThat(checked).as("exported functions").isGreaterThanOrEqualTo(4);
  }

  @Test
  void dataSymbolsResolveForWatchpoints() throws Exception {
    Path bin = Fixtures.binary(Fixtures.Variant.DWARF5_PIE);
    Symbolizer symbolizer = Symbolizer.load(bin);
    Slide slide = Slide.of(0x5555_0000_0000L, Slide.Origin.USER);
    PeerTools.NmSymbol counter =
        PeerTools.nm(bin).stream()
            .filter(s -> s.name().equals("counter"))
            .findFirst()
            .orElseThrow();
    assertThat(symbolizer.resolve("counter", slide))
        .hasValueSatisfying(
            i -> {
              assertThat(i.runtimeAddress()).isEqualTo(counter.address() + slide.value());
              assertThat(i.size()).isEqualTo(counter.size());
              assertThat(i.type()).isEqualTo(dev.uniscope.core.symbols.elf.SymbolType.OBJECT);
            });
    assertThat(symbolizer.resolve("no_such_symbol", slide)).isEmpty();
  }

  @Test
  void addressesOutsideAnyFunctionHaveNoName() throws Exception {
    Symbolizer symbolizer = Symbolizer.load(Fixtures.binary(Fixtures.Variant.DWARF5_PIE));
    SymbolizedAddress nothing = symbolizer.symbolize(0xffff_ffff_0000_0000L, Slide.NONE);
    assertThat(nothing.function()).isNull();
    assertThat(nothing.source()).isNull();
    assertThat(nothing.label()).isEqualTo("0xffffffff00000000");
    assertThat(symbolizer.functionName(0xffff_ffff_0000_0000L, Slide.NONE)).isNull();
  }
}
