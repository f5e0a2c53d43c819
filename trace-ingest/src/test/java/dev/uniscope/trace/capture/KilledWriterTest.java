package dev.uniscope.trace.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.testkit.SyntheticKernel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A recording JVM killed with SIGKILL leaves a capture that opens and can be repaired. */
class KilledWriterTest {
  @TempDir Path dir;

  /** The child: records, flushes, says how many events it flushed, then waits to be killed. */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    long events = Long.parseLong(args[1]);
    SyntheticKernel k = new SyntheticKernel(2, 4096, 3, false);
    LiveCapture c = LiveCapture.create(file, CaptureFormat.SOURCE_STREAM, new ProblemLog());
    c.frame(k.helloFrame());
    c.frame(k.metadataFrame());
    k.emitAndFlush(events, c::frame);
    c.flush();
    System.out.println("READY " + c.session().store().eventCount());
    System.out.flush();
    System.in.read(); // never closed by the parent: we are killed here, capture not closed
  }

  @Test
  @Timeout(120)
  void killedRecorderLeavesAnOpenableCapture() throws Exception {
    Path file = dir.resolve("killed.ucap");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                KilledWriterTest.class.getName(),
                file.toString(),
                "30000")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
      p.destroyForcibly();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(line).isEqualTo("READY 30000");
    ProblemLog problems = new ProblemLog();
    try (CaptureReader r = CaptureReader.open(file, problems)) {
      assertThat(r.footerRebuilt()).isTrue();
      TraceSession s = r.load();
      assertThat(s.store().eventCount()).isEqualTo(30000);
    }
    // Repair appends index + footer; afterwards the capture opens without scanning.
    long before = Files.size(file);
    CaptureRepair.Result fixed = CaptureRepair.repair(file, new ProblemLog());
    assertThat(fixed.repaired()).isTrue();
    assertThat(fixed.cutBytes()).isZero();
    assertThat(Files.size(file)).isGreaterThan(before);
    try (CaptureReader r = CaptureReader.open(file, new ProblemLog())) {
      assertThat(r.footerRebuilt()).isFalse();
      assertThat(r.load().store().eventCount()).isEqualTo(30000);
    }
    assertThat(CaptureRepair.repair(file, new ProblemLog()).repaired()).isFalse();
  }

  @Test
  void repairCutsATornTail() throws Exception {
    Path file = dir.resolve("torn.ucap");
    CaptureRoundTripTest.writeCapture(file, 4000, false);
    long size = Files.size(file);
    Files.write(
        file,
        new byte[] {(byte) 0xE1, (byte) 0xC3, (byte) 0xA5, (byte) 0xF7, 3, 0, 0, 0, 0, 16},
        java.nio.file.StandardOpenOption.APPEND);
    CaptureRepair.Result fixed = CaptureRepair.repair(file, new ProblemLog());
    assertThat(fixed.cutBytes()).isEqualTo(10);
    try (CaptureReader r = CaptureReader.open(file, new ProblemLog())) {
      assertThat(r.footerRebuilt()).isFalse();
      assertThat(r.load().store().eventCount()).isEqualTo(4000);
      assertThat(r.frameOffset(r.frameCount() - 1)).isLessThan(size);
    }
  }
}
