package dev.uniscope.trace.vsock.vhostuser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.trace.vsock.ffm.Libc;
import dev.uniscope.trace.vsock.ffm.Memfd;
import dev.uniscope.trace.vsock.virtq.GuestFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Address translation: two regions on one memfd (as q35 does above 2.75 GiB). Any (addr, len) is
 * either entirely inside one region, and then maps to exactly the right bytes, or it is refused.
 */
class MemoryTablePropertiesTest {
  static final long PAGE = 4096;
  static final long LOW = 0x0;
  static final long HIGH = 0x1_0000_0000L;
  static final long SIZE = 16 * PAGE;
  static final long UVA = 0x7f00_0000_0000L;

  private static MemoryTable table(Memfd fd) throws Exception {
    return MemoryTable.map(
        List.of(
            new MemoryRegion(LOW, SIZE, UVA, 0), new MemoryRegion(HIGH, SIZE, UVA + SIZE, SIZE)),
        new int[] {dup(fd), dup(fd)});
  }

  /** MemoryTable closes the fds it is given; hand it fresh ones for the same memfd. */
  private static int dup(Memfd fd) throws Exception {
    int[] pair = Libc.socketpair();
    try (var a = new dev.uniscope.trace.vsock.ffm.UnixSocket(pair[0]);
        var b = new dev.uniscope.trace.vsock.ffm.UnixSocket(pair[1])) {
      a.send(new byte[] {1}, fd.fd());
      try (var arena = java.lang.foreign.Arena.ofConfined()) {
        return b.readFully(arena.allocate(1))[0];
      }
    }
  }

  @Provide
  Arbitrary<Long> addresses() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(LOW, LOW + SIZE + PAGE),
        Arbitraries.longs().between(HIGH - PAGE, HIGH + SIZE + PAGE),
        Arbitraries.longs(),
        Arbitraries.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, HIGH + SIZE - 1));
  }

  @Provide
  Arbitrary<Long> lengths() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, SIZE + 1), Arbitraries.longs(), Arbitraries.of(-1L, 1L));
  }

  @Property(tries = 2000)
  void translationIsExactOrRefused(@ForAll("addresses") long addr, @ForAll("lengths") long len)
      throws Exception {
    try (Memfd fd = Memfd.create("mt", 2 * SIZE);
        MemoryTable t = table(fd);
        var own = dev.uniscope.trace.vsock.ffm.SharedMapping.map(fd.fd(), 2 * SIZE)) {
      MemorySegment raw = own.segment();
      for (long i = 0; i < 2 * SIZE; i += 8) {
        raw.set(ValueLayout.JAVA_LONG, i, i); // each word holds its own file offset
      }
      boolean inLow = inside(addr, len, LOW);
      boolean inHigh = inside(addr, len, HIGH);
      if (!inLow && !inHigh) {
        assertThatThrownBy(() -> t.gpa(addr, len)).isInstanceOf(GuestFault.class);
        return;
      }
      MemorySegment s = t.gpa(addr, len);
      assertThat(s.byteSize()).isEqualTo(len);
      long fileOff = inLow ? addr - LOW : SIZE + (addr - HIGH);
      if (len >= 8 && fileOff % 8 == 0) {
        assertThat(s.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(fileOff);
      }
    }
  }

  private static boolean inside(long addr, long len, long start) {
    return Long.compareUnsigned(addr, start) >= 0
        && Long.compareUnsigned(addr - start, SIZE) < 0
        && Long.compareUnsigned(len, SIZE - (addr - start)) <= 0;
  }

  @Test
  void frontEndAddressesUseTheirOwnBase() throws Exception {
    try (Memfd fd = Memfd.create("mt", 2 * SIZE);
        MemoryTable t = table(fd)) {
      assertThat(t.uva(UVA + SIZE, 8).address()).isEqualTo(t.gpa(HIGH, 8).address());
      assertThatThrownBy(() -> t.uva(LOW, 8)).isInstanceOf(GuestFault.class);
    }
  }

  @Test
  void regionBeyondItsFileIsRefused() throws Exception {
    try (Memfd fd = Memfd.create("mt", SIZE)) {
      int f = dup(fd);
      assertThatThrownBy(
              () -> MemoryTable.map(List.of(new MemoryRegion(0, SIZE, UVA, PAGE)), new int[] {f}))
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("needs");
    }
  }
}
