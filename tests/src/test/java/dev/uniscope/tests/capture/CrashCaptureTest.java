package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code crash}: a guest panic pauses the VM, the session dumps guest memory beside the capture,
 * quits QEMU, and both {@code run} and {@code report --fail-on panic} exit 3.
 */
class CrashCaptureTest {
  @TempDir Path dir;

  @Test
  @Timeout(900)
  void panicLeavesADumpAndFailsThePanicGate() throws Exception {
    Path capture = dir.resolve("crash.uscope");
    assertThat(CaptureCli.run(capture, "--app", "crash", "--trace", "sched,irq")).isEqualTo(3);
    Path dump = dir.resolve("crash.uscope.core");
    assertThat(dump).isRegularFile();
    assertThat(Files.size(dump)).isGreaterThan(64L << 20);
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json, "--fail-on", "panic")).isEqualTo(3);
    JsonNode r = CaptureCli.json(json);
    assertThat(r.path("run").path("outcome").asString()).isEqualTo("panicked");
    assertThat(r.path("run").path("panic_reason").asString()).contains("page fault");
    assertThat(r.path("run").path("dump").asString()).isEqualTo("crash.uscope.core");
  }
}
