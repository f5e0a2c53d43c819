package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.core.extract.RingDirectory;
import dev.uniscope.core.extract.RingExtraction;
import dev.uniscope.core.memory.DumpMemory;
import dev.uniscope.core.memory.KernelLayout;
import dev.uniscope.core.memory.LiveMemory;
import dev.uniscope.core.memory.TargetMemory;
import dev.uniscope.core.qmp.QmpClient;
import dev.uniscope.core.symbols.LayoutBlock;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.tests.harness.Kernel;
import dev.uniscope.tests.harness.QemuVm;
import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.command.Command;
import dev.uniscope.trace.page.PageFormat;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.transport.TraceClient;
import dev.uniscope.trace.transport.TraceConnection;
import dev.uniscope.trace.transport.TraceEndpoint;
import dev.uniscope.trace.wire.FrameType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Headless capture with no data channel: the rings read out of guest memory through QEMU's gdb stub
 * (and out of a QMP dump of the same stopped VM) hold the same pages, byte for byte, as the COM2
 * stream for every page both saw; and {@code attach --gdb} followed by {@code report} works.
 */
class GdbExtractionTest {
  static final Duration T = Duration.ofMinutes(3);
  static final Pattern KASLR = Pattern.compile("^kaslr: slide=0x([0-9a-f]+) ");
  static final Pattern APP_START = Pattern.compile("^app: start name=threads");
  static final Pattern TSC = Pattern.compile("^time: tsc (\\d+) kHz");
  // threads runs far longer than the test with this many items; a light profiler (periodic timer)
  static final String APP = "app=threads items=100000000 trace=sched,irq,marker profile=97";
  // what the boot asks for: sched, irq, marker, profile (docs/protocol.md section 7.1)
  static final int GROUPS = 0x123;
  static final int SAMPLE_HZ = 97;

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void gdbAndDumpExtractionsHoldTheSerialStreamsPages() throws Exception {
    try (QemuVm vm =
        QemuVm.builder()
            .append(APP + " data=com2")
            .smp(2)
            .memory("128M")
            .gdb()
            .qmp()
            .dataChannel()
            .paused()
            .start()) {
      Path serial = dir.resolve("serial.uscope");
      Path viaGdb = dir.resolve("gdb.uscope");
      Path viaPmemsave = dir.resolve("gdb-pmemsave.uscope");
      Path viaDump = dir.resolve("dump.uscope");
      ProblemLog serialProblems = new ProblemLog();
      LiveCapture serialCapture =
          LiveCapture.create(serial, CaptureFormat.SOURCE_STREAM, serialProblems);
      TraceConnection conn;
      try (QmpClient qmp = QmpClient.connect(vm.qmpSocket(), T)) {
        // The vCPUs start only once the data channel is connected: no page is lost in transit.
        conn =
            TraceClient.connect(
                new TraceEndpoint.Unix(vm.dataSocket()), serialCapture, false, 30_000);
        qmp.cont();
        long slide = Long.parseUnsignedLong(vm.console().awaitLine(KASLR, T).group(1), 16);
        vm.console().awaitLine(APP_START, T);
        // The known point: the stream has delivered about a ring's worth of pages per CPU (the
        // rings are full, for the figure), then QMP stops the VM.
        awaitSerialPages(conn, 600);
        qmp.stop();

        // Three timed extractions with RSP m packets, then three with pmemsave (the figure).
        List<String> figures = new ArrayList<>();
        try (RspClient rsp =
            RspClient.connect(
                new RspEndpoint.Unix(vm.gdbSocket()),
                RspOptions.defaults().withRequestTimeout(T))) {
          LiveMemory live = LiveMemory.attach(rsp);
          for (int round = 0; round < 6; round++) {
            if (round == 3) {
              live.enableMonitorDumps(vm.dir());
            }
            Path file = round == 0 ? viaGdb : round == 3 ? viaPmemsave : dir.resolve("r.uscope");
            RingExtraction.Pass p = extract(live, file, CaptureFormat.SOURCE_GUEST_MEMORY);
            double s = p.nanos() / 1e9;
            figures.add(
                String.format(
                    Locale.ROOT,
                    "gdb extraction (%s): %d pages, %.2f MB of ring slots in %.1f ms:"
                        + " %.0f pages/s, %.1f MB/s",
                    round < 3 ? "RSP m packets" : "pmemsave",
                    p.pages(),
                    p.bytesRead() / 1e6,
                    p.nanos() / 1e6,
                    p.pages() / s,
                    p.bytesRead() / 1e6 / s));
          }
          Path core = vm.dir().resolve("vm.core");
          qmp.dumpGuestMemory(core);
          try (DumpMemory dump = DumpMemory.open(core)) {
            extract(dump, viaDump, CaptureFormat.SOURCE_DUMP);
            // Without region 11, the scan of the whole 128 MiB finds the same directory.
            LayoutBlock block = KernelLayout.find(dump).block();
            RingDirectory viaRegion = RingDirectory.find(dump, block);
            RingDirectory scanned = RingDirectory.scan(dump, block);
            assertThat(scanned.found()).isEqualTo(RingDirectory.Found.SCAN);
            assertThat(scanned.address()).isEqualTo(viaRegion.address());
            assertThat(scanned.physical()).isEqualTo(viaRegion.physical());
            assertThat(scanned.ncpu()).isEqualTo(2);
          }
        }
        // Let the kernel send what it had queued, and its current pages (FLUSH), then detach.
        qmp.cont();
        conn.send(Command.flush()).get(120, TimeUnit.SECONDS);
        figures.forEach(System.out::println);
        conn.close();

        Map<Long, byte[]> stream = pages(serial);
        Map<Long, byte[]> gdb = pages(viaGdb);
        // The same VM state read three ways gives the same pages.
        assertSamePages(pages(viaPmemsave), gdb);
        assertSamePages(pages(viaDump), gdb);
        assertThat(gdb).isNotEmpty();

        // Every gdb page the stream also delivered is byte-identical; the current page of each
        // CPU (still filling at the stop) is a prefix of the page the stream got later.
        long[] newest = new long[2];
        Arrays.fill(newest, -1);
        gdb.keySet().forEach(k -> newest[cpu(k)] = Math.max(newest[cpu(k)], seq(k)));
        int both = 0;
        for (Map.Entry<Long, byte[]> e : gdb.entrySet()) {
          byte[] s = stream.get(e.getKey());
          if (s == null) {
            continue;
          }
          both++;
          byte[] g = e.getValue();
          if (seq(e.getKey()) == newest[cpu(e.getKey())]) {
            assertPrefix(g, s, e.getKey());
          } else {
            assertThat(g).as("page cpu %d seq %d", cpu(e.getKey()), seq(e.getKey())).isEqualTo(s);
          }
        }
        System.out.printf(
            "gdb vs serial: %d gdb pages, %d serial pages, %d both saw (byte-identical)%n",
            gdb.size(), stream.size(), both);
        assertThat(both).as("pages both saw").isGreaterThanOrEqualTo(8);
        // Whatever the stream had delivered before the stop and the ring still holds, gdb has.
        for (long k : stream.keySet()) {
          if (seq(k) >= minSeq(gdb, cpu(k)) && seq(k) <= newest[cpu(k)]) {
            assertThat(gdb).as("cpu %d page %d", cpu(k), seq(k)).containsKey(k);
          }
        }

        // Same boot: build-id and slide of the three hellos.
        LayoutBlock fromStream = layout(serial);
        for (Path p : new Path[] {viaGdb, viaDump}) {
          LayoutBlock b = layout(p);
          assertThat(b.buildId()).isEqualTo(fromStream.buildId());
          assertThat(b.slide()).isEqualTo(fromStream.slide()).isEqualTo(slide);
        }
        // The gdb capture decodes cleanly and holds events; its hello's now_ns is its newest
        // record.
        try (CaptureReader r = CaptureReader.open(viaGdb, new ProblemLog())) {
          TraceSession s = r.load();
          assertThat(r.header().source()).isEqualTo(CaptureFormat.SOURCE_GUEST_MEMORY);
          assertThat(s.stats().badPages()).isZero();
          assertThat(s.store().eventCount()).isPositive();
          assertThat(s.hello().nowNs()).isPositive().isEqualTo(newestEvent(s));
        }
        // The memory hellos carry what the stream hello says: the groups and the sampling rate
        // the boot asked for, and the TSC of the console line; the reports show the same.
        long tscHz = Long.parseLong(vm.console().awaitLine(TSC, T).group(1)) * 1000;
        Hello streamed = hello(serial);
        assertHelloFields(streamed, tscHz);
        for (Path p : new Path[] {viaGdb, viaDump}) {
          Hello h = hello(p);
          assertHelloFields(h, tscHz);
          assertThat(h.tscHz()).as("tsc_hz of %s", p).isEqualTo(streamed.tscHz());
        }
        System.out.printf(
            "hellos: stream groups 0x%x sample_hz %d tsc_hz %d; gdb groups 0x%x sample_hz %d"
                + " tsc_hz %d now_ns %d; console tsc %d kHz%n",
            streamed.groups(),
            streamed.sampleHz(),
            streamed.tscHz(),
            hello(viaGdb).groups(),
            hello(viaGdb).sampleHz(),
            hello(viaGdb).tscHz(),
            hello(viaGdb).nowNs(),
            tscHz / 1000);
        JsonNode streamReport = report(serial);
        JsonNode gdbReport = report(viaGdb);
        for (String field : new String[] {"groups", "sample_hz", "tsc_hz"}) {
          assertThat(gdbReport.path("kernel").path(field))
              .as("kernel.%s", field)
              .isEqualTo(streamReport.path("kernel").path(field));
        }
        assertThat(gdbReport.path("profile").path("sample_hz").asInt()).isEqualTo(SAMPLE_HZ);
        assertThat(streamReport.path("profile").path("sample_hz").asInt()).isEqualTo(SAMPLE_HZ);
      }
    }
  }

  @Test
  @Timeout(900)
  void attachGdbOnAFlightRecorderThenReport() throws Exception {
    try (QemuVm vm = QemuVm.builder().append(APP + " data=none").smp(2).gdb().start()) {
      vm.console().awaitLine(APP_START, T);
      long tscHz = Long.parseLong(vm.console().awaitLine(TSC, T).group(1)) * 1000;
      Path once = dir.resolve("once.uscope");
      assertThat(attachGdb(vm, once, "--once")).isZero();
      Path periodic = dir.resolve("periodic.uscope");
      assertThat(attachGdb(vm, periodic, "--duration", "3s", "--interval", "500ms", "--pmemsave"))
          .isZero();
      assertThat(vm.isAlive()).isTrue();
      for (Path capture : new Path[] {once, periodic}) {
        JsonNode r = report(capture);
        assertThat(r.path("run").path("app").asString()).isEqualTo("threads");
        assertThat(r.path("run").path("outcome").asString())
            .isEqualTo(capture == once ? "detached" : "stopped");
        assertThat(r.path("events").path("by_group").path("sched").asLong()).isPositive();
        assertThat(r.path("kernel").path("elf_matches").asBoolean()).isTrue();
        assertThat(r.path("kernel").path("cmdline").asString()).contains("app=threads");
        // The rebuilt hello: the boot's groups and sampling rate, the console's TSC.
        assertThat(r.path("kernel").path("groups").asString())
            .isEqualTo("sched,irq,marker,profile");
        assertThat(r.path("kernel").path("sample_hz").asInt()).isEqualTo(SAMPLE_HZ);
        assertThat(r.path("profile").path("sample_hz").asInt()).isEqualTo(SAMPLE_HZ);
        assertThat(r.path("kernel").path("tsc_hz").asLong()).isCloseTo(tscHz, within(1000L));
        try (CaptureReader reader = CaptureReader.open(capture, new ProblemLog())) {
          assertThat(reader.header().source()).isEqualTo(CaptureFormat.SOURCE_GUEST_MEMORY);
          TraceSession s = reader.load();
          assertThat(s.hello().mode()).isEqualTo(1);
          assertHelloFields(s.hello(), tscHz);
          assertThat(s.stats().badPages()).isZero();
        }
      }
      // The periodic capture took pages several times: more than one ring's worth is possible,
      // never a page twice (the session reports repeats as bad pages, checked above).
      try (CaptureReader reader = CaptureReader.open(periodic, new ProblemLog())) {
        assertThat(reader.load().stats().pages()).isPositive();
      }
    }
  }

  /** {@code uniscope attach --gdb STUB --kernel ELF OPTIONS --out CAPTURE}; the exit code. */
  private static int attachGdb(QemuVm vm, Path capture, String... options) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "attach", "--gdb", "unix:" + vm.gdbSocket(), "--kernel", Kernel.elf().toString()));
    a.addAll(List.of(options));
    a.addAll(List.of("--out", capture.toString()));
    return UniscopeCommand.execute(a.toArray(String[]::new));
  }

  private static RingExtraction.Pass extract(TargetMemory memory, Path file, int source)
      throws Exception {
    try (LiveCapture c = LiveCapture.create(file, source, new ProblemLog())) {
      RingExtraction ex = RingExtraction.start(memory, KernelLayout.find(memory), c, "");
      assertThat(ex.directory().found()).isEqualTo(RingDirectory.Found.LAYOUT_REGION);
      return ex.pass(true);
    }
  }

  /** Polls the stream's decoded page count (bounded by the deadline; no fixed sleeps). */
  private static void awaitSerialPages(TraceConnection conn, long pages) throws Exception {
    long deadline = System.nanoTime() + T.toNanos();
    while (conn.inLoop(() -> conn.session().stats().pages(), 30_000) < pages) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the data channel delivered fewer than " + pages + " pages");
      }
      try {
        conn.closedFuture().get(50, TimeUnit.MILLISECONDS);
        throw new IllegalStateException("the data channel closed");
      } catch (TimeoutException stillOpen) {
        // poll again
      }
    }
  }

  /** Page bytes ({@code 32 + commit}) by key {@code cpu << 48 | seq}. */
  private static Map<Long, byte[]> pages(Path capture) throws Exception {
    Map<Long, byte[]> m = new TreeMap<>();
    try (CaptureReader r = CaptureReader.open(capture, new ProblemLog())) {
      for (int i = 0; i < r.frameCount(); i++) {
        if (r.frameType(i) != FrameType.PAGE) {
          continue;
        }
        ByteBuffer p = r.payload(i);
        int commit = p.getInt(PageFormat.OFF_COMMIT);
        byte[] b = new byte[Math.min(p.remaining(), PageFormat.HEADER + commit)];
        p.get(0, b);
        long key = ((long) (p.getShort(PageFormat.OFF_CPU) & 0xFFFF) << 48) | p.getLong(8);
        m.put(key, b);
      }
    }
    return m;
  }

  private static int cpu(long key) {
    return (int) (key >>> 48);
  }

  private static long seq(long key) {
    return key & ((1L << 48) - 1);
  }

  private static long minSeq(Map<Long, byte[]> pages, int cpu) {
    return pages.keySet().stream()
        .filter(k -> cpu(k) == cpu)
        .mapToLong(GdbExtractionTest::seq)
        .min()
        .orElse(Long.MAX_VALUE);
  }

  private static void assertSamePages(Map<Long, byte[]> actual, Map<Long, byte[]> expected) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (long k : expected.keySet()) {
      assertThat(actual.get(k)).as("page cpu %d seq %d", cpu(k), seq(k)).isEqualTo(expected.get(k));
    }
  }

  /** The stopped page's header (but flags and commit) and records start the later page. */
  private static void assertPrefix(byte[] partial, byte[] later, long key) {
    String what = "current page cpu %d seq %d".formatted(cpu(key), seq(key));
    assertThat(later.length).as(what).isGreaterThanOrEqualTo(partial.length);
    assertThat(Arrays.copyOfRange(later, 0, 6))
        .as(what)
        .isEqualTo(Arrays.copyOfRange(partial, 0, 6));
    assertThat(Arrays.copyOfRange(later, 8, 24))
        .as(what)
        .isEqualTo(Arrays.copyOfRange(partial, 8, 24));
    assertThat(Arrays.copyOfRange(later, 28, partial.length))
        .as(what)
        .isEqualTo(Arrays.copyOfRange(partial, 28, partial.length));
  }

  private static LayoutBlock layout(Path capture) throws Exception {
    return LayoutBlock.parse(hello(capture).layout());
  }

  private static Hello hello(Path capture) throws Exception {
    try (CaptureReader r = CaptureReader.open(capture, new ProblemLog())) {
      Hello h = r.load().hello();
      assertThat(h).as("hello of %s", capture).isNotNull();
      return h;
    }
  }

  /** The boot's groups and sampling rate, and the TSC of the console's {@code time:} line. */
  private static void assertHelloFields(Hello h, long tscHz) {
    assertThat(h.groups()).as("groups of %s", h).isEqualTo(GROUPS);
    assertThat(h.sampleHz()).as("sample_hz of %s", h).isEqualTo(SAMPLE_HZ);
    assertThat(h.tscHz()).as("tsc_hz of %s", h).isCloseTo(tscHz, within(1000L));
  }

  private JsonNode report(Path capture) throws Exception {
    Path json = dir.resolve(capture.getFileName() + ".json");
    assertThat(CaptureCli.report(capture, json)).isZero();
    return CaptureCli.json(json);
  }

  /** The time of the capture's newest event. */
  private static long newestEvent(TraceSession s) {
    long newest = 0;
    for (int cpu = 0; cpu < s.store().cpuCount(); cpu++) {
      for (long i = 0; i < s.store().eventCount(cpu); i++) {
        newest = Math.max(newest, s.store().timestamp(cpu, i));
      }
    }
    return newest;
  }
}
