package dev.uniscope.core.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import dev.uniscope.core.symbols.elf.BuildId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The layout block as docs/kaslr.md lays it out (version 1, 896 bytes). */
class LayoutBlockTest {
  private static final long LINK = 0xffffffff80200000L;
  private static final long BASE = 0xffffffff9a600000L;

  static byte[] block(int state, long slide, int regions) {
    ByteBuffer b = ByteBuffer.allocate(896).order(ByteOrder.LITTLE_ENDIAN);
    b.put("USCOPELY".getBytes(StandardCharsets.US_ASCII));
    b.putInt(8, 1).putInt(12, 896).putInt(16, state).putInt(20, 20);
    for (int i = 0; i < 20; i++) {
      b.put(24 + i, (byte) (0xa0 + i));
    }
    b.putLong(56, LINK).putLong(64, LINK + slide).putLong(72, slide).putLong(80, 0x200000);
    b.putLong(88, 0x76000).putLong(96, 0x1234).putInt(104, 1).putInt(108, 2);
    b.putLong(112, 2_400_000).putInt(120, 4).putInt(124, regions);
    for (int i = 0; i < regions; i++) {
      int at = 128 + 48 * i;
      b.putInt(at, i + 1).putInt(at + 4, 5);
      byte[] name = ("region" + i).getBytes(StandardCharsets.US_ASCII);
      b.put(at + 8, name);
      b.putLong(at + 24, BASE + 0x1000L * i).putLong(at + 32, 0x1000).putLong(at + 40, 0);
    }
    return b.array();
  }

  @Test
  void seedSourceNamesTheVirtioRngBit() throws Exception {
    ByteBuffer b = ByteBuffer.wrap(block(1, BASE - LINK, 3)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(108, 0x101);
    assertThat(LayoutBlock.parse(b.array()).seedSourceName()).isEqualTo("tsc+virtio-rng");
    b.putInt(108, 0x100);
    assertThat(LayoutBlock.parse(b.array()).seedSourceName()).isEqualTo("rdrand+virtio-rng");
    b.putInt(108, 7);
    assertThat(LayoutBlock.parse(b.array()).seedSourceName()).isEqualTo("source 7");
  }

  @Test
  void decodesEveryField() throws Exception {
    LayoutBlock block = LayoutBlock.parse(block(1, BASE - LINK, 3));
    assertThat(block.valid()).isTrue();
    assertThat(block.linkBase()).isEqualTo(LINK);
    assertThat(block.virtBase()).isEqualTo(BASE);
    assertThat(block.slide(Slide.Origin.LAYOUT_BLOCK))
        .contains(Slide.between(LINK, BASE, Slide.Origin.LAYOUT_BLOCK));
    assertThat(block.buildId().hex()).isEqualTo("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3");
    assertThat(block.kaslrEnabled()).isTrue();
    assertThat(block.seedSource()).isEqualTo(2);
    assertThat(block.seedSourceName()).isEqualTo("cmdline");
    assertThat(block.cpus()).isEqualTo(4);
    assertThat(block.regions()).hasSize(3);
    LayoutBlock.Region text = block.regions().get(0);
    assertThat(text.kind()).isEqualTo(LayoutBlock.Region.TEXT);
    assertThat(text.name()).isEqualTo("region0");
    assertThat(text.readable()).isTrue();
    assertThat(text.executable()).isTrue();
    assertThat(text.writable()).isFalse();
    assertThat(block.regions().get(2).start()).isEqualTo(BASE + 0x2000);
  }

  @Test
  void negativeSlideAndEarlyBoot() throws Exception {
    assertThat(LayoutBlock.parse(block(1, -0x200000L, 0)).slide(Slide.Origin.DUMP))
        .hasValueSatisfying(s -> assertThat(s.toRuntime(LINK)).isEqualTo(LINK - 0x200000L));
    LayoutBlock early = LayoutBlock.parse(block(0, 0, 0));
    assertThat(early.valid()).isFalse();
    assertThat(early.slide(Slide.Origin.LAYOUT_BLOCK)).isEmpty();
  }

  @Test
  void matchesTheElfByBuildId() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(PeerTools.available(), "gcc is needed");
    Symbolizer elf = Symbolizer.load(Fixtures.binary(Fixtures.Variant.DWARF5_PIE));
    byte[] id = elf.buildId().orElseThrow().bytes();
    byte[] bytes = block(1, 0, 0);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(20, id.length).put(24, id);
    assertThat(LayoutBlock.parse(bytes).matches(elf)).isTrue();
    assertThat(LayoutBlock.parse(block(1, 0, 0)).matches(elf)).isFalse();
    assertThat(LayoutBlock.parse(block(1, 0, 0)).buildId())
        .isEqualTo(BuildId.ofHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"));
  }

  @Test
  void inconsistentBlocksAreNamed() {
    byte[] wrongMagic = block(1, 0, 0);
    wrongMagic[0] = 'X';
    assertThatThrownBy(() -> LayoutBlock.parse(wrongMagic))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("bad magic");
    byte[] tooMany = block(1, 0, 0);
    ByteBuffer.wrap(tooMany).order(ByteOrder.LITTLE_ENDIAN).putInt(124, 17);
    assertThatThrownBy(() -> LayoutBlock.parse(tooMany))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("nregions 17 exceeds 16");
    byte[] badSlide = block(1, 0x1000, 0);
    ByteBuffer.wrap(badSlide).order(ByteOrder.LITTLE_ENDIAN).putLong(72, 0x2000);
    assertThatThrownBy(() -> LayoutBlock.parse(badSlide))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("slide 0x2000 is not virt_base");
    assertThatThrownBy(() -> LayoutBlock.parse(java.util.Arrays.copyOf(block(1, 0, 4), 200)))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("the header and 4 regions need 0x140");
  }

  @Property(tries = 500)
  void corruptBlocksParseOrFailCleanly(@ForAll("corrupt") byte[] bytes) {
    try {
      LayoutBlock block = LayoutBlock.parse(bytes);
      assertThat(block.regions().size()).isLessThanOrEqualTo(LayoutBlock.MAX_REGIONS);
    } catch (MalformedBinaryException e) {
      assertThat(e.getMessage()).startsWith("layout block");
    }
  }

  @Provide
  Arbitrary<byte[]> corrupt() {
    return Arbitraries.integers()
        .between(0, 895 * 8)
        .list()
        .ofMaxSize(6)
        .flatMap(
            flips ->
                Arbitraries.integers()
                    .between(0, 896)
                    .map(
                        length -> {
                          byte[] b = block(1, BASE - LINK, 16);
                          for (int bit : flips) {
                            b[bit / 8] ^= (byte) (1 << (bit % 8));
                          }
                          return java.util.Arrays.copyOf(b, length);
                        }));
  }
}
