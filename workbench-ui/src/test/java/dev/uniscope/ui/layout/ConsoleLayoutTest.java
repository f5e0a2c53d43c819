package dev.uniscope.ui.layout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleLayoutTest {
  @Test
  void bootLinesGiveSlideBaseBuildIdAndRegions() {
    ConsoleLayout c = new ConsoleLayout();
    assertThat(c.accept("uniscope: kernel 0.1 booting build-id=90493A78")).isTrue();
    assertThat(
            c.accept(
                "kaslr: slide=0xffffb146d06c5000 base=0xffffb146508c5000 link=0xffffffff80200000"
                    + " on seed=0xa0710b54aa906bf3 source=rdrand relocs=644"))
        .isTrue();
    assertThat(
            c.accept(
                "kaslr: heap=0xffffd36e03400000 stacks=0xffffe2ee4a328000"
                    + " directmap=0xffff86c4a8400000"))
        .isTrue();
    assertThat(c.accept("smp: 2 cpus online")).isTrue();
    assertThat(c.accept("time: tsc 2599878 kHz")).isFalse();
    LayoutInfo i = c.info();
    assertThat(i.slide()).isEqualTo(0xffffb146d06c5000L);
    assertThat(i.base()).isEqualTo(0xffffb146508c5000L);
    assertThat(i.link()).isEqualTo(0xffffffff80200000L);
    assertThat(i.base() - i.link()).isEqualTo(i.slide());
    assertThat(i.kaslr()).isEqualTo("on");
    assertThat(i.seed()).isEqualTo("0xa0710b54aa906bf3 (rdrand)");
    assertThat(i.buildId()).isEqualTo("90493a78");
    assertThat(i.cpus()).isEqualTo(2);
    assertThat(i.regions())
        .extracting(LayoutInfo.RegionRow::name)
        .containsExactly("image", "heap", "stacks", "directmap");
    assertThat(i.regions().get(1).startHex()).isEqualTo("0xffffd36e03400000");
    assertThat(i.regions().get(1).sizeText()).isEqualTo("64 GiB");
  }

  @Test
  void seedSourcesWithVirtioRngKeepTheirWholeName() {
    ConsoleLayout c = new ConsoleLayout();
    assertThat(
            c.accept(
                "kaslr: slide=0x1000 base=0xffffb14650001000 link=0xffffb14650000000"
                    + " on seed=0x5 source=tsc+virtio-rng relocs=644"))
        .isTrue();
    assertThat(c.info().seed()).isEqualTo("0x5 (tsc+virtio-rng)");
  }

  @Test
  void malformedOrOversizedNumbersAreIgnored() {
    ConsoleLayout c = new ConsoleLayout();
    assertThat(
            c.accept(
                "kaslr: slide=0x11112222333344445555 base=0x1 link=0x2 on seed=0x0 source=tsc"))
        .isFalse();
    assertThat(c.accept("kaslr: slide=zz")).isFalse();
    assertThat(c.info().known()).isFalse();
  }

  @Test
  void theBlockWinsOverConsoleLines() {
    LayoutInfo console =
        new LayoutInfo("console lines", 1L, 2L, 3L, "on", "s", "ab", 2, java.util.List.of());
    LayoutInfo block =
        new LayoutInfo("layout block", 5L, null, null, "", "", "", 0, java.util.List.of());
    LayoutInfo m = block.orElse(console);
    assertThat(m.slide()).isEqualTo(5L);
    assertThat(m.base()).isEqualTo(2L);
    assertThat(m.buildId()).isEqualTo("ab");
    assertThat(m.source()).isEqualTo("layout block");
  }
}
