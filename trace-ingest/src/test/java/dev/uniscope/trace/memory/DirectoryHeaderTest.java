package dev.uniscope.trace.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The directory header: the hello fields at 32..43 and the checks of what sizes a read. */
class DirectoryHeaderTest {
  static ByteBuffer header(Consumer<ByteBuffer> change) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, RingReader.DIR_MAGIC).putShort(4, (short) 1).putShort(6, (short) 2);
    b.putInt(8, 4096).putInt(12, 256).putLong(16, 0xffff800000001000L).putInt(24, 1300);
    b.putInt(28, 1).putInt(32, 0x123).putInt(36, 997).putInt(40, DirectoryHeader.FLAG_HELLO);
    change.accept(b);
    return b;
  }

  static DirectoryHeader parse(Consumer<ByteBuffer> change) throws DirectoryException {
    return DirectoryHeader.parse(header(change), 0x1000);
  }

  @Test
  void theHelloFieldsArePublishedWhenFlagsBit0IsSet() throws Exception {
    DirectoryHeader d = parse(b -> {});
    assertThat(d.published()).isTrue();
    assertThat(d.groups()).isEqualTo(0x123);
    assertThat(d.sampleHz()).isEqualTo(997);
    assertThat(d.ncpu()).isEqualTo(2);
    assertThat(d.ringBytes()).isEqualTo(1 << 20);
    assertThat(d.metadataAddress()).isEqualTo(0xffff800000001000L);
    assertThat(d.mode()).isEqualTo(1);
    // Other flag bits do not count; an older kernel's reserved bytes are 0.
    assertThat(parse(b -> b.putInt(40, 0xFFFFFFFE)).published()).isFalse();
    DirectoryHeader old = parse(b -> b.putInt(32, 0).putInt(36, 0).putInt(40, 0));
    assertThat(old.published()).isFalse();
    assertThat(old.groups()).isZero();
    // Hostile values are kept as read here; MemoryHello checks them.
    assertThat(parse(b -> b.putInt(32, -1).putInt(36, -1)).sampleHz()).isEqualTo(-1);
  }

  @Test
  void outOfRangeValuesAreRefusedWithTheirName() {
    assertThatThrownBy(() -> parse(b -> b.putShort(4, (short) 2)))
        .isInstanceOf(DirectoryException.class)
        .hasMessage("trace directory at 0x1000: no 'UTRD' magic with version 1");
    assertThatThrownBy(() -> parse(b -> b.putShort(6, (short) 0)))
        .hasMessageContaining("ncpu 0 outside 1..256");
    assertThatThrownBy(() -> parse(b -> b.putInt(12, 0x40000000)))
        .hasMessageContaining("pages_per_cpu 1073741824");
    assertThatThrownBy(() -> parse(b -> b.putInt(24, -1)))
        .hasMessageContaining("metadata_len 4294967295");
    assertThatThrownBy(() -> DirectoryHeader.parse(ByteBuffer.allocate(63), 0x1000))
        .isInstanceOf(DirectoryException.class);
  }
}
