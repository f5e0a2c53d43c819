package dev.uniscope.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.core.extract.ExtractionException;
import dev.uniscope.core.extract.RingDirectory;
import dev.uniscope.core.extract.RingExtraction;
import dev.uniscope.core.extract.TargetGuestMemory;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.encode.PageWriter;
import dev.uniscope.trace.memory.DirectoryHeader;
import dev.uniscope.trace.memory.RingReader;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RingExtraction} on a synthetic kernel's memory, the same way on a dump and on a live
 * target behind a scripted gdb stub: the directory through the layout block's region 11 or by
 * scanning, incremental passes, and hostile directories and descriptors.
 */
@Timeout(120)
class RingExtractionTargetsTest {
  static final long DIR_PHYS = 0x300000;
  static final long META_PHYS = 0x301000;
  static final long RINGS_PHYS = 0x310000;
  static final int PAGES = 8;
  static final int PAGE = 4096;
  static final int GROUPS = 0x122; // irq, marker, profile
  static final long TSC_KHZ = 2_593_905;
  static final String MTREE =
      """
      FlatView #0
       AS "memory", root: system
       Root memory region: system
        0000000000000000-000000000009ffff (prio 0, ram): pc.ram
        00000000000c0000-00000000003fffff (prio 0, ram): pc.ram @00000000000c0000
      """;

  @TempDir Path dir;

  final SyntheticKernel kernel = new SyntheticKernel();
  final long[] head = new long[2];
  final PageWriter[] writers = new PageWriter[2];
  long now = 1_000_000;

  /** A kernel with a directory, metadata and two rings of {@link #PAGES} pages. */
  void tracing(boolean publishRegion) {
    ByteBuffer md = MetadataCodec.encode(CoreEvents.metadata());
    int mdLength = md.remaining();
    md.get(kernel.memory.bytes, (int) META_PHYS, mdLength);
    ByteBuffer d = at(DIR_PHYS, 64 + 2 * 64);
    d.putInt(0, RingReader.DIR_MAGIC).putShort(4, (short) 1).putShort(6, (short) 2);
    d.putInt(8, PAGE).putInt(12, PAGES).putLong(16, SyntheticKernel.DIRECT + META_PHYS);
    d.putInt(24, mdLength).putInt(28, 1);
    d.putInt(32, GROUPS).putInt(36, 997).putInt(40, DirectoryHeader.FLAG_HELLO);
    for (int cpu = 0; cpu < 2; cpu++) {
      int o = 64 + cpu * 64;
      d.putInt(o, RingReader.RING_MAGIC).putShort(o + 4, (short) cpu);
      d.putLong(o + 8, SyntheticKernel.DIRECT + ringPhys(cpu));
      int c = cpu;
      writers[cpu] = new PageWriter(cpu, PAGE, p -> store(c, p));
    }
    List<long[]> regions = new ArrayList<>();
    regions.add(new long[] {9, SyntheticKernel.DIRECT, 4 << 20, 0});
    if (publishRegion) {
      regions.add(new long[] {11, SyntheticKernel.DIRECT + DIR_PHYS, 64 + 2 * 64, DIR_PHYS});
    }
    ByteBuffer block = at(0x200000, 896);
    block.putLong(112, TSC_KHZ).putInt(124, regions.size());
    for (int i = 0; i < regions.size(); i++) {
      int o = 128 + 48 * i;
      long[] r = regions.get(i);
      block.putInt(o, (int) r[0]).putInt(o + 4, 3);
      byte[] name = (r[0] == 9 ? "directmap" : "trace").getBytes(StandardCharsets.US_ASCII);
      block.put(o + 8, name);
      block.putLong(o + 24, r[1]).putLong(o + 32, r[2]).putLong(o + 40, r[3]);
    }
  }

  static long ringPhys(int cpu) {
    return RINGS_PHYS + (long) cpu * PAGES * PAGE;
  }

  ByteBuffer at(long phys, int length) {
    return ByteBuffer.wrap(kernel.memory.bytes, (int) phys, length)
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The writer closed a page: it is the newest in its slot, and head is past it. */
  void store(int cpu, ByteBuffer page) {
    long seq = page.getLong(PageFormat.OFF_SEQ);
    int slot = (int) (ringPhys(cpu) + (seq & (PAGES - 1)) * PAGE);
    Arrays.fill(kernel.memory.bytes, slot, slot + PAGE, (byte) 0);
    page.duplicate().get(0, kernel.memory.bytes, slot, page.remaining());
    head[cpu] = seq + 1;
    at(DIR_PHYS + 64 + cpu * 64 + 16, 8).putLong(0, head[cpu]);
  }

  /** Writes {@code records} irq_exit records on {@code cpu} and closes the page (FLUSH). */
  void write(int cpu, int records) {
    for (int i = 0; i < records; i++) {
      ByteBuffer payload = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, i);
      writers[cpu].append(CoreEvents.IRQ_EXIT, now += 1000, payload);
    }
    writers[cpu].flush();
  }

  DumpMemory dump() throws Exception {
    return DumpMemory.of(MemorySegment.ofArray(kernel.core().build()), "vm.core");
  }

  record Extracted(RingExtraction.Pass pass, RingDirectory.Found found, byte[] file) {}

  Extracted extract(TargetMemory memory, String name) throws Exception {
    Path f = dir.resolve(name);
    RingExtraction ex;
    RingExtraction.Pass p;
    try (LiveCapture c = LiveCapture.create(f, CaptureFormat.SOURCE_DUMP, new ProblemLog())) {
      ex = RingExtraction.start(memory, c, "");
      p = ex.pass(true);
    }
    return new Extracted(p, ex.directory().found(), Files.readAllBytes(f));
  }

  @Test
  void aDumpAndALiveStubGiveTheSameCaptureAsRingReader() throws Exception {
    tracing(true);
    write(0, 254 * 20); // 254 records fill a page: cpu 0 wraps its 8 slots
    write(1, 254 * 5);
    assertThat(head).containsExactly(20, 5);
    Extracted fromDump;
    try (DumpMemory dump = dump()) {
      fromDump = extract(dump, "dump.ucap");
      // trace-ingest's reader over the same memory: the same frames.
      Path f = dir.resolve("ringreader.ucap");
      try (LiveCapture c = LiveCapture.create(f, CaptureFormat.SOURCE_DUMP, new ProblemLog())) {
        KernelLayout layout = KernelLayout.find(dump);
        byte[] block = dump.physical().read(layout.blockAddress(), 896);
        RingReader.read(
            TargetGuestMemory.virtual(dump),
            SyntheticKernel.DIRECT + DIR_PHYS,
            layout.buildId().bytes(),
            block,
            c);
      }
      assertThat(body(Files.readAllBytes(f))).isEqualTo(body(fromDump.file()));
    }
    assertThat(fromDump.found()).isEqualTo(RingDirectory.Found.LAYOUT_REGION);
    assertThat(fromDump.pass().pages()).isEqualTo(PAGES + 5);
    assertThat(fromDump.pass().skippedSlots()).isZero();
    try (ScriptedStub stub = new ScriptedStub(kernel.memory, kernel.tables.root, MTREE);
        RspClient client =
            RspClient.connect(
                new RspEndpoint.Tcp("127.0.0.1", stub.port()),
                RspOptions.defaults().withRequestTimeout(Duration.ofSeconds(30)))) {
      Extracted live = extract(LiveMemory.attach(client), "live.ucap");
      assertThat(body(live.file())).isEqualTo(body(fromDump.file()));
    }
    TraceSession s = load(dir.resolve("dump.ucap"));
    // The hello: the directory's groups and rate, the block's TSC, the newest record's time.
    assertThat(s.hello().groups()).isEqualTo(GROUPS);
    assertThat(s.hello().sampleHz()).isEqualTo(997);
    assertThat(s.hello().tscHz()).isEqualTo(TSC_KHZ * 1000);
    assertThat(s.hello().nowNs()).isEqualTo(now);
    assertThat(s.stats().badPages()).isZero();
    assertThat(s.stats().records()).isEqualTo(254L * (PAGES + 5));
    assertThat(s.stats().missingPages()).isZero(); // overwritten history starts at seq 12
  }

  @Test
  void withoutRegion11TheDirectoryIsFoundByScanning() throws Exception {
    tracing(false);
    write(0, 300);
    write(1, 10);
    try (DumpMemory dump = dump()) {
      Extracted e = extract(dump, "scan.ucap");
      assertThat(e.found()).isEqualTo(RingDirectory.Found.SCAN);
      assertThat(e.pass().pages()).isEqualTo(3);
    }
  }

  @Test
  void noDirectoryIsAClearErrorNamingWhatWasSearched() throws Exception {
    tracing(false);
    Arrays.fill(kernel.memory.bytes, (int) DIR_PHYS, (int) DIR_PHYS + 64, (byte) 0);
    try (DumpMemory dump = dump()) {
      assertThatThrownBy(() -> extract(dump, "none.ucap"))
          .isInstanceOf(ExtractionException.class)
          .hasMessageContaining("no region of kind 11 (trace)")
          .hasMessageContaining("[9 directmap]")
          .hasMessageContaining("scanning 3 MiB of guest-physical memory")
          .hasMessageContaining("'UTRD'");
    }
  }

  @Test
  void withoutRegion11OrADirectMapTheErrorSaysSo() throws Exception {
    tracing(false);
    at(0x200000, 896).putInt(124, 0);
    try (DumpMemory dump = dump()) {
      assertThatThrownBy(() -> extract(dump, "none.ucap"))
          .isInstanceOf(ExtractionException.class)
          .hasMessageContaining("no region of kind 11 (trace) and no direct map (kind 9)");
    }
  }

  @Test
  void passesAppendOnlyNewPagesAndTheCurrentPageOnlyAtTheEnd() throws Exception {
    tracing(true);
    Path f = dir.resolve("periodic.ucap");
    // The scripted stub serves the synthetic memory as it changes between passes.
    try (ScriptedStub stub = new ScriptedStub(kernel.memory, kernel.tables.root, MTREE);
        RspClient client =
            RspClient.connect(
                new RspEndpoint.Tcp("127.0.0.1", stub.port()),
                RspOptions.defaults().withRequestTimeout(Duration.ofSeconds(30)));
        LiveCapture c =
            LiveCapture.create(f, CaptureFormat.SOURCE_GUEST_MEMORY, new ProblemLog())) {
      write(0, 254 * 3);
      write(1, 254);
      RingExtraction ex = RingExtraction.start(LiveMemory.attach(client), c, "app=x");
      // head - 1 is the current page: left for a later pass
      assertThat(ex.pass(false).pages()).isEqualTo(2);
      assertThat(ex.nextSequences()).containsExactly(2, 0);
      write(0, 254 * 4); // seq 3..6; seq 2 is closed now
      write(1, 254 * 2);
      assertThat(ex.pass(false).pages()).isEqualTo(4 + 2);
      assertThat(ex.pass(true).pages()).isEqualTo(2); // the two current pages
      assertThat(ex.pass(true).pages()).isZero();
    }
    TraceSession s = load(f);
    assertThat(s.stats().pages()).isEqualTo(7 + 3);
    assertThat(s.stats().badPages()).isZero();
    assertThat(s.stats().missingPages()).isZero();
    assertThat(s.hello().cmdline()).isEqualTo("app=x");
  }

  @Test
  void hostileDescriptorsAreReportedAndBounded() throws Exception {
    tracing(true);
    write(0, 254 * 2);
    write(1, 254 * 2);
    ByteBuffer d = at(DIR_PHYS, 64 + 2 * 64);
    d.putLong(64 + 16, -1L); // cpu 0: head at 2^64 - 1
    d.putLong(128 + 8, 0x7ffffffffff00000L); // cpu 1: pages nowhere (non-canonical)
    try (DumpMemory dump = dump()) {
      Path f = dir.resolve("hostile.ucap");
      ProblemLog problems = new ProblemLog();
      RingExtraction.Pass p;
      try (LiveCapture c = LiveCapture.create(f, CaptureFormat.SOURCE_DUMP, problems)) {
        p = RingExtraction.start(dump, c, "").pass(true);
      }
      assertThat(p.pages()).isZero();
      assertThat(p.bytesRead()).isLessThanOrEqualTo((long) PAGES * PAGE);
      assertThat(p.skippedSlots()).isEqualTo(PAGES + 2);
      assertThat(String.join("\n", problems.first()))
          .contains("cpu 0 slot 7: no valid page")
          .contains("cpu 1: ring slots at 0x7ffffffffff00000 unreadable");
    }
    // A descriptor with the wrong magic: skipped and said so.
    d.putInt(64, 0);
    d.putLong(128 + 8, SyntheticKernel.DIRECT + ringPhys(1));
    try (DumpMemory dump = dump()) {
      ProblemLog problems = new ProblemLog();
      try (LiveCapture c =
          LiveCapture.create(dir.resolve("magic.ucap"), CaptureFormat.SOURCE_DUMP, problems)) {
        assertThat(RingExtraction.start(dump, c, "").pass(true).pages()).isEqualTo(2);
      }
      assertThat(problems.first().getFirst()).contains("ring descriptor of cpu 0").contains("bad");
    }
  }

  @Test
  void ringsLargerThanMemoryAreRefused() throws Exception {
    tracing(true);
    at(DIR_PHYS, 64).putInt(12, 1 << 18).putInt(8, 65536); // 2 x 16 GiB of rings
    try (DumpMemory dump = dump()) {
      assertThatThrownBy(() -> extract(dump, "huge.ucap"))
          .isInstanceOf(ExtractionException.class)
          .hasMessageContaining("exceed the target's 3 MiB of memory");
    }
  }

  /** The capture after its 64-byte header (which holds the creation time and source). */
  static byte[] body(byte[] capture) {
    return Arrays.copyOfRange(capture, CaptureFormat.FILE_HEADER, capture.length);
  }

  static TraceSession load(Path f) throws Exception {
    try (CaptureReader r = CaptureReader.open(f, new ProblemLog())) {
      return r.load();
    }
  }
}
