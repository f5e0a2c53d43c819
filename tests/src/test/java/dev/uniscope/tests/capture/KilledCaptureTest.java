package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.tests.harness.Kernel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        List.of(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.uniscope.cli.UniscopeCommand",
            "run",
            "--kernel",
            Kernel.elf().toString(),
            "--app",
            "threads",
            "--append",
            "items=100000000",
            "--trace",
            "sched,irq",
            "--out",
            capture.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectErrorStream(false)
            .start();
    List<ProcessHandle> qemu = List.of();
    try {
      CompletableFuture<Boolean> up =
          CompletableFuture.supplyAsync(
              () -> {
                try (BufferedReader err =
                    new BufferedReader(
                        new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                  for (String l; (l = err.readLine()) != null; ) {
                    if (l.contains("data channel up")) {
                      return true;
                    }
                  }
                  return false;
                } catch (java.io.IOException e) {
                  return false;
                }
              });
      assertThat(up.get(5, TimeUnit.MINUTES)).as("the run reported its data channel").isTrue();
      // Let pages arrive: poll the file's size (bounded), the recorder's only visible progress.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (Files.size(capture) < 64 * 1024 && System.nanoTime() < deadline) {
        p.waitFor(200, TimeUnit.MILLISECONDS);
      }
      assertThat(Files.size(capture)).isGreaterThanOrEqualTo(64 * 1024);
      qemu = p.descendants().toList();
      p.destroyForcibly();
      p.waitFor(60, TimeUnit.SECONDS);
    } finally {
      p.destroyForcibly();
      qemu.forEach(ProcessHandle::destroyForcibly);
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
