package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.tests.harness.Kernel;
import dev.uniscope.tests.harness.QemuVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code attach}: records a kernel that booted without the workbench; the INFO command makes it
 * repeat its hello, so the capture decodes and symbolizes like one made by {@code run}.
 */
class AttachCaptureTest {
  @TempDir Path dir;

  @Test
  @Timeout(900)
  void attachesToARunningKernelAndStopsAtTheDuration() throws Exception {
    try (QemuVm vm =
        QemuVm.builder()
            .append("app=threads items=100000000 data=com2 trace=sched,irq")
            .smp(2)
            .dataChannel()
            .start()) {
      vm.console().awaitLine(Pattern.compile("^app: start name=threads"), Duration.ofMinutes(5));
      Path capture = dir.resolve("attached.uscope");
      int code =
          UniscopeCommand.execute(
              "attach",
              "--serial",
              "unix:" + vm.dataSocket(),
              "--kernel",
              Kernel.elf().toString(),
              "--duration",
              "3s",
              "--out",
              capture.toString());
      assertThat(code).isZero();
      Path json = dir.resolve("r.json");
      assertThat(CaptureCli.report(capture, json)).isZero();
      JsonNode r = CaptureCli.json(json);
      assertThat(r.path("run").path("outcome").asString()).isEqualTo("stopped");
      assertThat(r.path("run").path("app").asString()).isEqualTo("threads");
      assertThat(r.path("events").path("by_group").path("sched").asLong()).isPositive();
      assertThat(r.path("kernel").path("elf_matches").asBoolean()).isTrue();
      assertThat(r.path("timeline").path("threads").toString()).contains("producer/0");
    }
  }
}
