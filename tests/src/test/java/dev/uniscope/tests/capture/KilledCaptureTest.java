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
 * A capture whose recorder is killed (SIGKILL of the CLI's JVM mid-run, no footer written) still
 * opens: {@code report} re-indexes it by scanning and reports what was recorded.
 */
class KilledCaptureTest {
  @TempDir Path dir;

  @Test
  @Timeout(900)
  void aCaptureKilledMidRunReopens() throws Exception {
    Path capture = dir.resolve("killed.uscope");
    try (RecorderProcess rec =
        RecorderProcess.start(
            capture, "--app", "threads", "--append", "items=100000000", "--trace", "sched,irq")) {
      rec.awaitRecorded(64 * 1024);
      List<ProcessHandle> qemu = rec.qemu();
      rec.process.destroyForcibly();
      rec.process.waitFor(60, TimeUnit.SECONDS);
      qemu.forEach(ProcessHandle::destroyForcibly);
      assertThat(rec.reportedChannelUp()).as("the run reported its data channel").isTrue();
    }

    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json)).isZero();
    JsonNode r = CaptureCli.json(json);
    assertThat(r.path("capture").path("footer_rebuilt").asBoolean()).isTrue();
    assertThat(r.path("events").path("by_group").path("sched").asLong()).isPositive();
    assertThat(r.path("kernel").path("build_id").asString()).isNotEmpty();
    assertThat(r.path("run").isNull()).as("no run record: the recorder never finished").isTrue();
  }
}
