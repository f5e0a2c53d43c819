package dev.uniscope.trace.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.encode.PageWriter;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hello of a memory capture: every field from the directory and the layout block, now_ns from
 * the newest record, and a documented fallback (with a problem) for every hostile value.
 */
class MemoryHelloTest {
  static final long DIR = 0xffff800000100000L;
  static final long META = DIR + 0x1000;
  static final long RINGS = DIR + 0x10000;
  static final int PAGES = 4;
  static final int PAGE = 4096;
  static final int PROFILE = 1 << CoreEvents.GROUP_PROFILE;
  static final int SCHED_PROFILE = 1 | PROFILE;

  @TempDir Path dir;

  final ByteBuffer mem =
      ByteBuffer.allocate((int) (RINGS - DIR) + 2 * PAGES * PAGE).order(ByteOrder.LITTLE_ENDIAN);
  final GuestMemory guest = new RingReaderTest.FlatMemory(DIR, mem);
  final PageWriter[] writers = new PageWriter[2];
  final ProblemLog problems = new ProblemLog();

  @BeforeEach
  void rings() {
    ByteBuffer md = MetadataCodec.encode(CoreEvents.metadata());
    int mdLength = md.remaining();
    mem.put((int) (META - DIR), md, 0, mdLength);
    mem.putInt(0, RingReader.DIR_MAGIC).putShort(4, (short) 1).putShort(6, (short) 2);
    mem.putInt(8, PAGE).putInt(12, PAGES).putLong(16, META).putInt(24, mdLength).putInt(28, 1);
    mem.putInt(32, SCHED_PROFILE).putInt(36, 997).putInt(40, DirectoryHeader.FLAG_HELLO);
    for (int cpu = 0; cpu < 2; cpu++) {
      int o = 64 + cpu * 64;
      mem.putInt(o, RingReader.RING_MAGIC).putShort(o + 4, (short) cpu);
      mem.putLong(o + 8, RINGS + (long) cpu * PAGES * PAGE);
      int c = cpu;
      writers[cpu] = new PageWriter(cpu, PAGE, p -> store(c, p));
    }
  }

  /** A closed page goes to its slot, and head is past it. */
  void store(int cpu, ByteBuffer page) {
    long seq = page.getLong(PageFormat.OFF_SEQ);
    int slot = (int) (RINGS - DIR + (long) cpu * PAGES * PAGE + (seq & (PAGES - 1)) * PAGE);
    Arrays.fill(mem.array(), slot, slot + PAGE, (byte) 0);
    mem.put(slot, page, 0, page.remaining());
    mem.putLong(64 + cpu * 64 + 16, seq + 1);
  }

  /** {@code n} irq_exit records on {@code cpu} at {@code first}, {@code first + 1000}, ... */
  void write(int cpu, int n, long first) {
    for (int i = 0; i < n; i++) {
      ByteBuffer payload = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      writers[cpu].append(CoreEvents.IRQ_EXIT, first + 1000L * i, payload);
    }
    writers[cpu].flush();
  }

  DirectoryHeader header() throws Exception {
    return DirectoryHeader.parse(mem.slice(0, 64), DIR);
  }

  static byte[] layout(long tscKhz) {
    ByteBuffer b = ByteBuffer.allocate(896).order(ByteOrder.LITTLE_ENDIAN);
    b.put("USCOPELY".getBytes(StandardCharsets.US_ASCII));
    b.putInt(8, 1).putInt(12, 896).putInt(16, 1).putLong(112, tscKhz);
    return b.array();
  }

  Hello build(Consumer<ByteBuffer> change, byte[] layout, long newest) throws Exception {
    change.accept(mem);
    return MemoryHello.build(header(), new byte[] {1, 2}, "app=x", layout, newest, problems);
  }

  @Test
  void everyFieldComesFromTheDirectoryTheLayoutBlockAndTheNewestRecord() throws Exception {
    write(0, 300, 5_000_000); // cpu 0: two pages, last record at 5_299_000
    write(1, 10, 9_000_000); // cpu 1: newest record at 9_009_000
    Path f = dir.resolve("m.ucap");
    Hello h;
    try (LiveCapture c = LiveCapture.create(f, CaptureFormat.SOURCE_GUEST_MEMORY, problems)) {
      h =
          MemoryHello.record(
              guest, DIR, header(), new byte[] {1, 2}, "app=x", layout(2_600_000), c);
    }
    assertThat(problems.total()).isZero();
    assertThat(h.ncpu()).isEqualTo(2);
    assertThat(h.mode()).isEqualTo(1);
    assertThat(h.pageSize()).isEqualTo(PAGE);
    assertThat(h.pagesPerCpu()).isEqualTo(PAGES);
    assertThat(h.groups()).isEqualTo(SCHED_PROFILE);
    assertThat(h.sampleHz()).isEqualTo(997);
    assertThat(h.tscHz()).isEqualTo(2_600_000_000L);
    assertThat(h.nowNs()).isEqualTo(9_009_000L);
    assertThat(h.cmdline()).isEqualTo("app=x");
    assertThat(h.buildId()).containsExactly(1, 2);
    try (CaptureReader r = CaptureReader.open(f, new ProblemLog())) {
      TraceSession s = r.load();
      assertThat(s.hello()).isEqualTo(h);
      assertThat(r.frameCount()).isEqualTo(2); // hello and metadata
    }
  }

  @Test
  void theCurrentPageWithoutARecordFallsBackToThePreviousPage() throws Exception {
    write(0, 10, 7_000_000); // seq 0, last record at 7_009_000
    // seq 1 opened but nothing committed yet (the CPU stopped inside a reservation)
    ByteBuffer empty = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    empty.putInt(PageFormat.OFF_MAGIC, PageFormat.MAGIC).putLong(PageFormat.OFF_SEQ, 1);
    empty.putLong(PageFormat.OFF_BASE_TS, 8_000_000);
    store(0, empty);
    assertThat(newest()).isEqualTo(7_009_000L);
  }

  @Test
  void emptyHostileOrUnreadableRingsGiveZeroOrAreLeftOut() throws Exception {
    assertThat(newest()).as("no page yet").isZero();
    write(0, 10, 7_000_000);
    write(1, 10, 8_000_000);
    mem.putLong(64 + 16, -1L); // cpu 0: head 2^64 - 1: its slots fail the seq check
    mem.putLong(128 + 8, 0x7ffffffffff00000L); // cpu 1: pages nowhere
    assertThat(newest()).isZero();
    mem.putLong(128 + 8, RINGS + PAGES * PAGE);
    mem.putInt(128, 0); // cpu 1: bad descriptor magic
    assertThat(newest()).isZero();
    mem.putInt(128, RingReader.RING_MAGIC);
    assertThat(newest()).isEqualTo(8_009_000L);
    assertThat(problems.total()).isZero();
    // Metadata that does not decode: 0, said so.
    mem.putInt((int) (META - DIR), 0);
    assertThat(newest()).isZero();
    assertThat(problems.first()).anyMatch(p -> p.contains("metadata does not decode"));
  }

  long newest() throws Exception {
    return MemoryHello.newestRecordNs(
        guest,
        DIR,
        header(),
        RingReader.readBytes(guest, META, header().metadataLength()),
        problems);
  }

  @Test
  void groupBitsBeyondTheKnownGroupsAreDropped() throws Exception {
    Hello h = build(b -> b.putInt(32, 0xFFFF0000 | SCHED_PROFILE), layout(1_000_000), 1);
    assertThat(h.groups()).isEqualTo(SCHED_PROFILE);
    assertThat(problems.first())
        .singleElement()
        .asString()
        .contains("groups 0xffff0101 has bits beyond the 11 known groups; kept 0x101");
  }

  @Test
  void anAbsurdSampleRateIsTakenAsUnknown() throws Exception {
    assertThat(build(b -> b.putInt(36, 10_000), layout(1_000_000), 1).sampleHz()).isEqualTo(10_000);
    assertThat(build(b -> b.putInt(36, 10_001), layout(1_000_000), 1).sampleHz()).isZero();
    assertThat(build(b -> b.putInt(36, -1), layout(1_000_000), 1).sampleHz()).isZero();
    assertThat(problems.first())
        .containsExactly(
            "the ring directory's sample_hz 10001 is above 10000; taken as 0 (unknown)",
            "the ring directory's sample_hz 4294967295 is above 10000; taken as 0 (unknown)");
  }

  @Test
  void anOlderKernelsDirectoryGivesZeroGroupsAndRate() throws Exception {
    Hello h = build(b -> b.putInt(40, 0), layout(1_000_000), 1);
    assertThat(h.groups()).isZero();
    assertThat(h.sampleHz()).isZero();
    assertThat(problems.first()).singleElement().asString().contains("flags 0: an older kernel");
  }

  @Test
  void tscHzIsTheLayoutBlocksKhzTimes1000OrZeroWhenAbsurd() throws Exception {
    assertThat(MemoryHello.tscHz(layout(1_000), problems)).isEqualTo(1_000_000L);
    assertThat(MemoryHello.tscHz(layout(100_000_000), problems)).isEqualTo(100_000_000_000L);
    assertThat(problems.total()).isZero();
    for (long khz : new long[] {0, 999, 100_000_001, -1, Long.MIN_VALUE}) {
      assertThat(MemoryHello.tscHz(layout(khz), problems)).as("tsc_khz %d", khz).isZero();
    }
    byte[] unfilled = layout(2_000_000);
    unfilled[16] = 0; // state 0: not filled yet
    byte[] badMagic = layout(2_000_000);
    badMagic[0] = 'X';
    for (byte[] l : new byte[][] {unfilled, badMagic, new byte[] {3}, new byte[0]}) {
      assertThat(MemoryHello.tscHz(l, problems)).isZero();
    }
    assertThat(problems.total()).isEqualTo(9);
    assertThat(problems.first().get(4)).contains("tsc_khz 9223372036854775808 is outside");
    assertThat(problems.first().get(8)).contains("no valid layout block");
  }

  @Test
  void oversizedStringsAndATimeBeyond2To63AreLeftOut() throws Exception {
    Hello h =
        MemoryHello.build(header(), new byte[33], "x".repeat(1025), new byte[20_000], -5, problems);
    assertThat(h.buildId()).isEmpty();
    assertThat(h.cmdline()).isEmpty();
    assertThat(h.layout()).hasSize(16384);
    assertThat(h.nowNs()).isZero();
    assertThat(problems.first())
        .anyMatch(p -> p.contains("build-id of 33 bytes"))
        .anyMatch(p -> p.contains("18446744073709551611 ns is beyond 2^63"));
  }
}
