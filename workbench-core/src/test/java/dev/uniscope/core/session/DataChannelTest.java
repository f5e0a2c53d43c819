package dev.uniscope.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.session.ProblemLog;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The recording pipeline against a fake kernel on a real Unix socket. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DataChannelTest {
  @TempDir Path dir;

  @Test
  void recordsDecodesAndFeedsSubscribersUntilThePeerHangsUp() throws Exception {
    Path sock = dir.resolve("data.sock");
    Path capture = dir.resolve("run.uscope");
    LiveModels models = new LiveModels();
    AtomicLong samples = new AtomicLong();
    AtomicLong samplesBeforeHello = new AtomicLong(-1);
    Timeline timeline = new Timeline();
    models.subscribe(timeline);
    models.subscribe(
        new EventSink() {
          @Override
          public void sample(long ts, int cpu, int tid, boolean idle, long[] s, int n) {
            samples.incrementAndGet();
          }
        });
    SessionListener listener =
        new SessionListener() {
          @Override
          public void hello(dev.uniscope.trace.session.Hello hello) {
            samplesBeforeHello.set(samples.get());
          }
        };
    try (FakeKernelChannel kernel = new FakeKernelChannel(sock, true);
        DataChannel ch = DataChannel.connect(sock, capture, models, listener, 10_000)) {
      kernel.done().get(60, TimeUnit.SECONDS);
      DataChannel.Finished f = ch.finish(30_000);
      assertThat(f.hello()).isPresent();
      assertThat(f.stats().lostRecords()).isEqualTo(Scenario.LOST);
      assertThat(f.stats().records()).isGreaterThan(100);
    }
    assertThat(samples.get())
        .isEqualTo(
            Scenario.SAMPLES_A + Scenario.SAMPLES_B + Scenario.SAMPLES_C + Scenario.IDLE_SAMPLES);
    assertThat(timeline.threadNames()).containsEntry(5, Scenario.THREAD);
    // Views learn the symbols (the hello) before any event reaches them.
    assertThat(samplesBeforeHello.get()).isZero();
    try (CaptureReader r = CaptureReader.open(capture, new ProblemLog())) {
      assertThat(r.footerRebuilt()).isFalse();
      assertThat(r.load().stats().lostRecords()).isEqualTo(Scenario.LOST);
    }
  }

  @Test
  void aBusyLeakScanIsAskedAgainNotTakenAsARefusal() throws Exception {
    Path sock = dir.resolve("data.sock");
    java.util.List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    SessionListener listener =
        new SessionListener() {
          @Override
          public void note(String message) {
            notes.add(message);
          }
        };
    try (FakeKernelChannel kernel = new FakeKernelChannel(sock, false, 1);
        DataChannel ch =
            DataChannel.connect(
                sock, dir.resolve("c.uscope"), new LiveModels(), listener, 10_000)) {
      assertThat(ch.awaitHello(30_000)).isTrue();
      // As the session's periodic scan: ask again each period until a second request goes out
      // (the first is answered BUSY). Bounded by the test's timeout.
      while (kernel.commands().stream().filter("LEAK_SCAN"::equals).count() < 2) {
        ch.requestLeakScan();
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      }
      ch.drain(false);
      kernel.done().get(60, TimeUnit.SECONDS);
      ch.finish(30_000);
    }
    assertThat(notes).noneMatch(n -> n.contains("refused"));
  }

  @Test
  void drainAsksForALeakScanAndAFlushBeforeTheEnd() throws Exception {
    Path sock = dir.resolve("data.sock");
    try (FakeKernelChannel kernel = new FakeKernelChannel(sock, false);
        DataChannel ch =
            DataChannel.connect(
                sock,
                dir.resolve("c.uscope"),
                new LiveModels(),
                new SessionListener() {},
                10_000)) {
      assertThat(ch.awaitHello(30_000)).isTrue();
      ch.drain(true);
      kernel.done().get(60, TimeUnit.SECONDS);
      ch.finish(30_000);
      assertThat(kernel.commands()).containsExactly("LEAK_SCAN", "FLUSH");
    }
  }
}
