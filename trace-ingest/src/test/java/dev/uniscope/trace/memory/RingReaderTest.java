package dev.uniscope.trace.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.testkit.SyntheticKernel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingReaderTest {
  @TempDir Path dir;

  static final long DIR = 0xffff800000100000L;
  static final long META = 0xffff800000200000L;
  static final long RINGS = 0xffff800001000000L;
  static final int PAGES = 8;

  /**
   * Guest memory: one flat buffer at a base address; reads outside it fail like an unmapped page.
   */
  record FlatMemory(long base, ByteBuffer bytes) implements GuestMemory {
    @Override
    public void read(long address, ByteBuffer dst) throws IOException {
      long off = address - base;
      if (off < 0 || off + dst.remaining() > bytes.capacity()) {
        throw new IOException(String.format("unmapped 0x%x", address));
      }
      dst.put(bytes.slice((int) off, dst.remaining()));
    }
  }

  /** Builds two flight-recorder rings; CPU 0 has wrapped, CPU 1 has not. Returns the memory. */
  static FlatMemory guest(SyntheticKernel k, long[] expectedPages) {
    ByteBuffer mem =
        ByteBuffer.allocate(0x1000000 + 2 * PAGES * 4096).order(ByteOrder.LITTLE_ENDIAN);
    long base = DIR;
    ByteBuffer md = MetadataCodec.encode(k.metadata());
    mem.put((int) (META - base), md, 0, md.remaining());
    mem.putInt(0, RingReader.DIR_MAGIC).putShort(4, (short) 1).putShort(6, (short) 2);
    mem.putInt(8, 4096)
        .putInt(12, PAGES)
        .putLong(16, META)
        .putInt(24, md.remaining())
        .putInt(28, 1);
    List<ByteBuffer> frames = new ArrayList<>();
    k.emit(20_000, frames::add);
    k.flush(frames::add);
    List<ByteBuffer> pages = new ArrayList<>();
    for (ByteBuffer f : frames) {
      pages.add(f.slice(16, f.remaining() - 16).order(ByteOrder.LITTLE_ENDIAN));
    }
    long[] head = new long[2];
    for (ByteBuffer p : pages) {
      int cpu = p.getShort(PageFormat.OFF_CPU);
      long seq = p.getLong(PageFormat.OFF_SEQ);
      if (cpu == 1 && seq >= 5) {
        continue; // cpu 1 keeps only 5 pages: no wrap
      }
      long ringBase = RINGS + (long) cpu * PAGES * 4096;
      int at = (int) (ringBase - base + (seq & (PAGES - 1)) * 4096);
      for (int i = 0; i < 4096; i++) {
        mem.put(at + i, (byte) 0);
      }
      mem.put(at, p, 0, p.remaining());
      head[cpu] = seq + 1;
    }
    for (int cpu = 0; cpu < 2; cpu++) {
      int d = 64 + cpu * 64;
      mem.putInt(d, RingReader.RING_MAGIC).putShort(d + 4, (short) cpu);
      mem.putLong(d + 8, RINGS + (long) cpu * PAGES * 4096).putLong(d + 16, head[cpu]);
    }
    assertThat(head[0]).isGreaterThan(PAGES); // cpu 0 wrapped
    expectedPages[0] = Math.min(head[0], PAGES) + Math.min(head[1], PAGES);
    return new FlatMemory(base, mem);
  }

  @Test
  void readsTheNewestPagesOfEveryCpuIntoACapture() throws IOException {
    SyntheticKernel k = new SyntheticKernel(2, 4096, 7, false);
    long[] expected = new long[1];
    FlatMemory mem = guest(k, expected);
    Path f = dir.resolve("mem.ucap");
    try (LiveCapture c =
        LiveCapture.create(f, CaptureFormat.SOURCE_GUEST_MEMORY, new ProblemLog())) {
      RingReader.Result r = RingReader.read(mem, DIR, new byte[] {1, 2}, new byte[] {3}, c);
      assertThat(r.pages()).isEqualTo(expected[0]);
      assertThat(r.skippedSlots()).isZero();
    }
    try (CaptureReader r = CaptureReader.open(f, new ProblemLog())) {
      TraceSession s = r.load();
      assertThat(r.header().source()).isEqualTo(CaptureFormat.SOURCE_GUEST_MEMORY);
      assertThat(s.stats().pages()).isEqualTo(expected[0]);
      assertThat(s.store().eventCount()).isPositive();
      assertThat(s.problems().total()).isZero();
    }
  }

  @Test
  void findsTheDirectoryWithoutALayoutBlock() {
    SyntheticKernel k = new SyntheticKernel(2, 4096, 7, false);
    FlatMemory mem = guest(k, new long[1]);
    GuestMemory shifted =
        (address, dst) -> {
          if (address < DIR - 0x300000) {
            throw new IOException("unmapped");
          }
          if (address < DIR) {
            int n = (int) Math.min(dst.remaining(), DIR - address);
            dst.put(new byte[n]);
            if (dst.hasRemaining()) {
              int rest = Math.min(dst.remaining(), mem.bytes().capacity());
              dst.put(mem.bytes().slice(0, rest));
            }
            return;
          }
          long off = address - DIR;
          int n = (int) Math.min(dst.remaining(), Math.max(0, mem.bytes().capacity() - off));
          dst.put(mem.bytes().slice((int) off, n));
        };
    assertThat(RingReader.findDirectory(shifted, DIR - 0x400000, 0x800000)).isEqualTo(DIR);
    assertThat(RingReader.findDirectory(shifted, DIR + 64, 0x200000)).isEqualTo(-1);
  }

  @Test
  void slotBeingRewrittenIsSkippedAndReported() throws IOException {
    SyntheticKernel k = new SyntheticKernel(2, 4096, 7, false);
    FlatMemory mem = guest(k, new long[1]);
    mem.bytes()
        .putLong((int) (RINGS - DIR) + 3 * 4096 + PageFormat.OFF_SEQ, 999); // slot 3 of cpu 0
    try (LiveCapture c =
        LiveCapture.create(
            dir.resolve("m2.ucap"), CaptureFormat.SOURCE_GUEST_MEMORY, new ProblemLog())) {
      RingReader.Result r = RingReader.read(mem, DIR, new byte[0], new byte[0], c);
      assertThat(r.skippedSlots()).isEqualTo(1);
      assertThat(c.session().problems().first()).anyMatch(p -> p.contains("cpu 0 slot 3"));
    }
  }

  @Test
  void hostileDirectoryIsRefusedBeforeAnyLargeRead() throws IOException {
    SyntheticKernel k = new SyntheticKernel(2, 4096, 7, false);
    FlatMemory mem = guest(k, new long[1]);
    mem.bytes().putInt(12, 0x40000000); // pages_per_cpu
    try (LiveCapture c =
        LiveCapture.create(
            dir.resolve("m3.ucap"), CaptureFormat.SOURCE_GUEST_MEMORY, new ProblemLog())) {
      assertThatThrownBy(() -> RingReader.read(mem, DIR, new byte[0], new byte[0], c))
          .hasMessageContaining("pages_per_cpu");
    }
  }
}
