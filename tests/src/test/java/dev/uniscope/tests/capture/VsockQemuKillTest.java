package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * QEMU killed mid-stream under {@code run --transport vsock}: the workbench (its vhost-user
 * back-end and recorder) does not hang or crash but ends the run itself with "QEMU died" (exit 3),
 * and the capture holds what was streamed until then.
 */
class VsockQemuKillTest {
  @TempDir Path dir;

  @Test
  @Timeout(900)
  void killingQemuMidStreamLeavesAReadableCapture() throws Exception {
    Path capture = dir.resolve("vsock-killed.uscope");
    try (RecorderProcess rec =
        RecorderProcess.start(
            capture,
            "--transport",
            "vsock",
            "--app",
            "threads",
            "--append",
            "items=100000000",
            "--trace",
            "sched,irq")) {
      rec.awaitRecorded(64 * 1024);
      List<ProcessHandle> qemu = rec.qemu();
      assertThat(qemu).as("the recorder's QEMU").isNotEmpty();
      qemu.forEach(ProcessHandle::destroyForcibly);
      assertThat(rec.process.waitFor(5, TimeUnit.MINUTES))
          .as("the recorder ends by itself once QEMU is gone")
          .isTrue();
      assertThat(rec.process.exitValue()).as("exit code for a QEMU that died").isEqualTo(3);
      assertThat(rec.reportedChannelUp()).isTrue();
    }
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json)).isZero();
    JsonNode r = CaptureCli.json(json);
    assertThat(r.path("events").path("by_group").path("sched").asLong()).isPositive();
    assertThat(r.path("kernel").path("elf_matches").asBoolean()).isTrue();
    assertThat(r.path("run").path("outcome").asString()).isEqualTo("qemu-died");
  }
}
