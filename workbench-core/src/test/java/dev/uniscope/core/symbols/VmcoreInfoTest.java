package dev.uniscope.core.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.core.symbols.binary.MalformedBinaryException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class VmcoreInfoTest {
  @Test
  void readsTheKeysDocsKaslrNames() throws Exception {
    VmcoreInfo info =
        VmcoreInfo.parse(
            "OSRELEASE=uniscope\nUNISCOPE_LAYOUT=0x200000\nKERNELOFFSET=1a400000\n"
                + "UNISCOPE_BASE=0xffffffff9a600000\nUNISCOPE_LINK_BASE=0xffffffff80200000\n"
                + "BUILD-ID=00ff10\n\0\0\0");
    assertThat(info.layoutAddress()).hasValue(0x200000);
    assertThat(info.slide(Slide.Origin.DUMP)).contains(Slide.of(0x1a400000, Slide.Origin.DUMP));
    assertThat(info.base()).hasValue(0xffffffff9a600000L);
    assertThat(info.linkBase()).hasValue(0xffffffff80200000L);
    assertThat(info.buildId().hex()).isEqualTo("00ff10");
  }

  @Test
  void negativeSlideIsTwosComplement() throws Exception {
    VmcoreInfo info = VmcoreInfo.parse("KERNELOFFSET=ffffffffffe00000\n");
    assertThat(info.slide(Slide.Origin.DUMP).orElseThrow().toRuntime(0xffffffff80200000L))
        .isEqualTo(0xffffffff80000000L);
  }

  @Test
  void badNumbersAreNamed() {
    assertThatThrownBy(() -> VmcoreInfo.parse("A=b\nKERNELOFFSET=12345678123456789\n"))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessage(
            "vmcoreinfo line 2: KERNELOFFSET='12345678123456789' is not a 64-bit hex number");
    assertThatThrownBy(() -> VmcoreInfo.parse("BUILD-ID=xyz"))
        .isInstanceOf(MalformedBinaryException.class)
        .hasMessageContaining("BUILD-ID 'xyz' is not hex");
  }

  @Property(tries = 300)
  void anyTextParsesOrFailsCleanly(@ForAll String text) {
    try {
      VmcoreInfo.parse("KERNELOFFSET=" + text + "\nBUILD-ID=" + text);
    } catch (MalformedBinaryException e) {
      assertThat(e.getMessage()).startsWith("vmcoreinfo line");
    }
  }
}
