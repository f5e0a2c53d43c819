package dev.uniscope.trace.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.page.RecordView;
import dev.uniscope.trace.store.EventStore;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameSync;
import dev.uniscope.trace.wire.FrameType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference C writer of docs/protocol.md Appendix A (src/test/c/ref_writer.c, output committed
 * as c-writer-sample.bin) and this decoder agree on every byte.
 */
class CWriterCompatibilityTest {
  @TempDir Path dir;

  @Test
  void decodesTheReferenceCWriter() throws IOException {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/c-writer-sample.bin")) {
      bytes = in.readAllBytes();
    }
    try (LiveCapture c =
        LiveCapture.create(dir.resolve("c.ucap"), CaptureFormat.SOURCE_STREAM, new ProblemLog())) {
      new FrameSync()
          .feed(
              ByteBuffer.wrap(bytes),
              true,
              new FrameSync.Listener() {
                @Override
                public void frame(
                    long off, FrameType type, int seq, ByteBuffer w, int start, int length) {
                  try {
                    c.frame(w.slice(start, 16 + length));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }

                @Override
                public void problem(FrameProblem p) {
                  c.problem(p);
                }
              });
      TraceSession s = c.session();
      assertThat(s.hello().ncpu()).isEqualTo(2);
      assertThat(s.hello().buildIdHex()).isEqualTo("deadbeef");
      assertThat(s.stats().garbageBytes())
          .isEqualTo("boot: console noise on the data port\n".length());
      assertThat(s.stats().crcErrors()).isZero();
      assertThat(s.stats().records()).isEqualTo(3000);
      assertThat(s.stats().missingPages()).isZero();
      assertThat(s.stats().lostRecords()).isZero();
      EventStore store = s.store();
      // Event i went to cpu i % 2 at time 1000 + sum(100 + k % 7, k <= i).
      long[] seen = new long[2];
      long now = 1000;
      for (int i = 0; i < 3000; i++) {
        now += 100 + (i % 7);
        int cpu = i % 2;
        long idx = seen[cpu]++;
        assertThat(store.timestamp(cpu, idx)).isEqualTo(now);
        RecordView v = store.view(cpu, idx);
        switch (i % 3) {
          case 0 -> {
            assertThat(v.event().name()).isEqualTo("sched_switch");
            assertThat(v.number("next_tid")).isEqualTo(i + 1);
            assertThat(v.text("next_comm")).isEqualTo("thread-" + ((i + 1) % 100));
          }
          case 1 -> assertThat(v.text("name")).isEqualTo("mark-" + i);
          default -> {
            long rip = 0xffffffff80200000L + i;
            assertThat(v.number("rip")).isEqualTo(rip);
            assertThat(v.stack("stack"))
                .containsExactly(rip + 0x100, rip + 0x200, rip + 0x300, rip + 0x400, rip + 0x500);
            assertThat(v.number("idle")).isEqualTo(i & 1);
          }
        }
      }
    }
  }
}
