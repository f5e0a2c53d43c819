package dev.uniscope.core.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uniscope.core.symbols.elf.ElfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real kernel ELF, when it has been built, against nm, addr2line and readelf. */
class KernelSymbolsTest {
  private static Path kernel;

  @BeforeAll
  static void kernelBuilt() {
    assumeTrue(PeerTools.available(), "gcc, nm, addr2line and readelf are needed on the PATH");
    kernel = Fixtures.repoRoot().resolve("kernel/build/uniscope.elf");
    assumeTrue(
        Files.isRegularFile(kernel),
        "kernel not built (" + kernel + " missing): run 'make -C kernel' to include this test");
  }

  @Test
  void functionsAndLinesMatchNmAndAddr2line() throws Exception {
    Symbolizer symbolizer = Symbolizer.load(kernel);
    PeerComparison peers = new PeerComparison(kernel, symbolizer, Slide.NONE);
    assertThat(peers.sizedFunctionCount()).isGreaterThan(10);
    long[] addresses = peers.addresses(64);
    peers.checkFunctions(addresses);
    assertThat(peers.checkLines(addresses)).isGreaterThan(100);
  }

  @Test
  void slideMovesEveryAnswer() throws Exception {
    Symbolizer symbolizer = Symbolizer.load(kernel);
    // A KASLR-like slide (2 MiB aligned, inside the top 2 GiB) and one that goes down.
    for (Slide slide :
        new Slide[] {
          Slide.between(0xffffffff80200000L, 0xffffffff9a600000L, Slide.Origin.LAYOUT_BLOCK),
          Slide.of(-0x200000L, Slide.Origin.HELLO_RECORD)
        }) {
      new PeerComparison(kernel, symbolizer, slide).checkAll(16);
    }
  }

  @Test
  void buildIdMatchesReadelf() throws Exception {
    try (ElfFile elf = ElfFile.open(kernel)) {
      assertThat(elf.buildId().map(Object::toString)).isEqualTo(PeerTools.buildId(kernel));
    }
  }

  @Test
  void entryBytesMatchTheFile() throws Exception {
    try (ElfFile elf = ElfFile.open(kernel)) {
      var text = elf.section(".text").orElseThrow();
      byte[] viaAddress = elf.read(text.address(), 64);
      byte[] viaSection =
          elf.contents(text).asSlice(0, 64).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
      assertThat(viaAddress).isEqualTo(viaSection);
    }
  }
}
