package dev.uniscope.trace.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.store.EventStore;
import dev.uniscope.trace.testkit.SyntheticKernel;
import dev.uniscope.trace.testkit.SyntheticKernel.Emitted;
import dev.uniscope.trace.wire.FrameType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureRoundTripTest {
  @TempDir Path dir;

  /** A capture with pages that arrived before the hello, to exercise the holding rule. */
  static List<Emitted> writeCapture(Path file, long events, boolean close) throws IOException {
    SyntheticKernel k = new SyntheticKernel(3, 4096, 42, true);
    List<ByteBuffer> early = new ArrayList<>();
    k.emit(events / 10, early::add);
    LiveCapture c = LiveCapture.create(file, CaptureFormat.SOURCE_STREAM, new ProblemLog());
    for (ByteBuffer f : early) {
      c.frame(f);
    }
    c.frame(k.helloFrame());
    c.frame(k.metadataFrame());
    k.emitAndFlush(events - events / 10, c::frame);
    assertThat(c.session().store().eventCount()).isEqualTo(events);
    if (close) {
      c.close();
    } else {
      c.flush();
    }
    return k.emitted();
  }

  static void assertSameEvents(EventStore store, List<Emitted> expected) {
    List<Emitted> got = new ArrayList<>();
    for (int cpu = 0; cpu < store.cpuCount(); cpu++) {
      for (long i = 0; i < store.eventCount(cpu); i++) {
        var view = store.view(cpu, i);
        long first =
            view.event().fields().stream()
                .filter(f -> f.type().isScalar())
                .findFirst()
                .map(view::number)
                .orElse(0L);
        got.add(new Emitted(cpu, store.timestamp(cpu, i), store.eventId(cpu, i), first));
      }
    }
    Comparator<Emitted> order =
        Comparator.comparingInt(Emitted::cpu).thenComparingLong(Emitted::ts);
    assertThat(got).containsExactlyElementsOf(expected.stream().sorted(order).toList());
  }

  @Test
  void closedCaptureUsesItsIndex() throws IOException {
    Path f = dir.resolve("a.ucap");
    List<Emitted> expected = writeCapture(f, 20_000, true);
    try (CaptureReader r = CaptureReader.open(f, new ProblemLog())) {
      assertThat(r.problems().first()).isEmpty();
      assertThat(r.footerRebuilt()).isFalse();
      assertThat(r.header().buildIdHex()).isEqualTo("0102030405060708090a0b0c0d0e0f1011121314");
      assertThat(r.frameType(0)).isEqualTo(FrameType.HELLO);
      assertThat(r.frameType(1)).isEqualTo(FrameType.METADATA);
      TraceSession s = r.load();
      assertThat(s.hello().cmdline()).isEqualTo("trace=sched,irq,alloc profile=997");
      assertThat(s.problems().total()).isZero();
      assertSameEvents(s.store(), expected);
    }
  }

  @Test
  void unclosedCaptureOpensWithEverythingFlushed() throws IOException {
    Path f = dir.resolve("b.ucap");
    List<Emitted> expected = writeCapture(f, 5_000, false);
    try (CaptureReader r = CaptureReader.open(f, new ProblemLog())) {
      assertThat(r.footerRebuilt()).isTrue();
      assertSameEvents(r.load().store(), expected);
    }
  }

  @Test
  void notACaptureIsRefusedClearly() throws IOException {
    Path f = dir.resolve("c.ucap");
    Files.write(f, new byte[100]);
    assertThatThrownBy(() -> CaptureReader.open(f, new ProblemLog()))
        .isInstanceOf(CaptureException.class)
        .hasMessageContaining("bad magic at offset 0");
  }

  // Properties share one clean capture.
  private static byte[] clean;
  private static long cleanEvents;
  private Path work;

  @BeforeProperty
  void prepare() throws IOException {
    work = Files.createTempDirectory("capture-prop");
    if (clean == null) {
      Path f = work.resolve("clean.ucap");
      cleanEvents = writeCapture(f, 3_000, true).size();
      clean = Files.readAllBytes(f);
    }
  }

  @AfterProperty
  void cleanup() throws IOException {
    try (var s = Files.list(work)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(work);
  }

  /** Cut anywhere after the header: opens, and keeps every event of every page before the cut. */
  @Property(tries = 60)
  void truncatedCaptureKeepsEverythingBeforeTheCut(
      @ForAll @IntRange(min = 64, max = 10_000_000) int cutAt) throws IOException {
    int len = 64 + (cutAt - 64) % (clean.length - 64);
    Path f = work.resolve("cut.ucap");
    Files.write(f, java.util.Arrays.copyOf(clean, len));
    try (CaptureReader r = CaptureReader.open(f, new ProblemLog())) {
      TraceSession s = r.load();
      long pagesBefore = 0;
      for (int i = 0; i < r.frameCount(); i++) {
        assertThat(r.frameOffset(i)).isLessThan(len);
        if (r.frameType(i) == FrameType.PAGE) {
          pagesBefore++;
        }
      }
      assertThat(s.stats().pages()).isEqualTo(pagesBefore);
      assertThat(s.store().eventCount()).isLessThanOrEqualTo(cleanEvents);
    }
  }

  /** Random damage (bit flips, garbage runs, hostile lengths): never throws, reports offsets. */
  @Property(tries = 60)
  void damagedCaptureNeverThrows(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed,
      @ForAll @IntRange(min = 1, max = 50) int hits)
      throws IOException {
    byte[] b = clean.clone();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
    for (int h = 0; h < hits; h++) {
      int at = 64 + rnd.nextInt(b.length - 64);
      switch (rnd.nextInt(3)) {
        case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
        case 1 -> {
          for (int k = 0; k < 64 && at + k < b.length; k++) {
            b[at + k] = (byte) rnd.nextInt();
          }
        }
        default -> {
          if (at + 4 <= b.length) {
            b[at] = (byte) 0xFF;
            b[at + 1] = (byte) 0xFF;
            b[at + 2] = (byte) 0xFF;
            b[at + 3] = (byte) 0x7F;
          }
        }
      }
    }
    Path f = work.resolve("bad.ucap");
    Files.write(f, b);
    try (CaptureReader r = CaptureReader.open(f, new ProblemLog())) {
      TraceSession s = r.load();
      assertThat(s.store().eventCount()).isLessThanOrEqualTo(cleanEvents);
      assertThat(s.problems().first())
          .allSatisfy(
              p ->
                  assertThat(p)
                      .containsPattern("offset|cpu|metadata|hello|footer|index|HELLO|METADATA"));
    }
  }
}
