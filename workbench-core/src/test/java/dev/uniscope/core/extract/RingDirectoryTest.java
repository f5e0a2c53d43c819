package dev.uniscope.core.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.core.memory.MemoryReader;
import dev.uniscope.core.memory.ReadLimitException;
import dev.uniscope.core.memory.TargetMemory;
import dev.uniscope.trace.memory.RingReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Directory header checks (every value that sizes a read) and the {@code GuestMemory} adapter. */
class RingDirectoryTest {
  static final long MEMORY = 128L << 20;

  static ByteBuffer header(Consumer<ByteBuffer> change) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, RingReader.DIR_MAGIC).putShort(4, (short) 1).putShort(6, (short) 2);
    b.putInt(8, 4096).putInt(12, 256).putLong(16, 0xffff800000001000L).putInt(24, 1300);
    b.putInt(28, 1);
    change.accept(b);
    return b;
  }

  static RingDirectory parse(Consumer<ByteBuffer> change) throws ExtractionException {
    return RingDirectory.parse(header(change), 0x1000, 0x2000, RingDirectory.Found.SCAN, MEMORY);
  }

  @Test
  void aValidHeader() throws Exception {
    RingDirectory d = parse(b -> {});
    assertThat(d.ncpu()).isEqualTo(2);
    assertThat(d.ringBytes()).isEqualTo(1 << 20);
    assertThat(d.descriptorAddress(1)).isEqualTo(0x1000 + 64 + 64);
    assertThat(d.mode()).isEqualTo(1);
  }

  @Test
  void everyOutOfRangeValueIsNamed() {
    record Case(Consumer<ByteBuffer> change, String message) {}
    List<Case> cases = new ArrayList<>();
    cases.add(new Case(b -> b.putInt(0, 0), "no 'UTRD' magic"));
    cases.add(new Case(b -> b.putShort(4, (short) 2), "version 1"));
    cases.add(new Case(b -> b.putShort(6, (short) 0), "ncpu 0 outside 1..256"));
    cases.add(new Case(b -> b.putShort(6, (short) 257), "ncpu 257"));
    cases.add(new Case(b -> b.putInt(8, 4097), "page_size 4097 invalid"));
    cases.add(new Case(b -> b.putInt(8, -1), "page_size 4294967295 invalid"));
    cases.add(new Case(b -> b.putInt(12, 3), "pages_per_cpu 3 is not a power of two"));
    cases.add(new Case(b -> b.putInt(12, 1 << 19), "pages_per_cpu 524288"));
    cases.add(new Case(b -> b.putInt(12, -2147483648), "pages_per_cpu 2147483648"));
    cases.add(new Case(b -> b.putInt(24, 0), "metadata_len 0 outside 1..65536"));
    cases.add(new Case(b -> b.putInt(24, 65537), "metadata_len 65537"));
    cases.add(new Case(b -> b.putInt(28, 7), "mode 7"));
    cases.add(
        new Case(
            b -> b.putShort(6, (short) 256).putInt(12, 1 << 14), "exceed the target's 128 MiB"));
    for (Case c : cases) {
      assertThatThrownBy(() -> parse(c.change()))
          .as(c.message())
          .isInstanceOf(ExtractionException.class)
          .hasMessageStartingWith("trace directory at 0x1000")
          .hasMessageContaining(c.message());
    }
    assertThatThrownBy(
            () ->
                RingDirectory.parse(
                    ByteBuffer.allocate(10), 0x1000, 0, RingDirectory.Found.SCAN, MEMORY))
        .isInstanceOf(ExtractionException.class);
  }

  @Test
  void theAdapterFillsHeapAndDirectBuffersAndKeepsTheTargetsException() throws Exception {
    List<long[]> reads = new ArrayList<>();
    MemoryReader reader =
        (address, dst, offset, length) -> {
          MemoryReader.checkRange(address, length);
          reads.add(new long[] {address, length});
          for (int i = 0; i < length; i++) {
            dst[offset + i] = (byte) (address + i);
          }
        };
    TargetGuestMemory mem = new TargetGuestMemory(reader);
    ByteBuffer heap = ByteBuffer.allocate(16).position(4);
    mem.read(0x100, heap);
    assertThat(heap.position()).isEqualTo(16);
    assertThat(heap.get(4)).isEqualTo((byte) 0x00);
    assertThat(heap.get(15)).isEqualTo((byte) 0x0b);
    ByteBuffer direct = ByteBuffer.allocateDirect(8);
    mem.read(0x10, direct);
    assertThat(direct.get(7)).isEqualTo((byte) 0x17);
    // A buffer larger than one read is split at the limit.
    assertThat(TargetMemory.MAX_READ).isEqualTo(64 << 20);
    assertThatThrownBy(() -> mem.read(-8, ByteBuffer.allocate(16)))
        .isInstanceOf(ReadLimitException.class);
  }
}
