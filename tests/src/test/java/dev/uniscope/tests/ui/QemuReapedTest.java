package dev.uniscope.tests.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.tests.harness.Kernel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ending the desktop app while its VM runs (SIGTERM, as a session logout does) kills QEMU. */
class QemuReapedTest {
  @TempDir Path dir;

  @Test
  @Timeout(120)
  void qemuDiesWithTheApp() throws Exception {
    WorkbenchUi.assumeDisplay();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        List.of(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-Dprism.order=sw",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.uniscope.ui.app.Main",
            "--kernel",
            Kernel.elf().toString(),
            "--app",
            "kvstore");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("ui.log").toFile())
            .start();
    Optional<ProcessHandle> qemu = Optional.empty();
    try {
      // QEMU appears as the app's child once the window has booted it (bounded poll).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (qemu.isEmpty() && System.nanoTime() < deadline && p.isAlive()) {
        qemu =
            p.descendants()
                .filter(h -> h.info().command().orElse("").contains("qemu-system"))
                .findFirst();
        if (qemu.isEmpty()) {
          p.waitFor(100, TimeUnit.MILLISECONDS);
        }
      }
      assertThat(qemu).as("the app started QEMU").isPresent();
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the app ends on SIGTERM").isTrue();
      boolean gone =
          qemu.get().onExit().completeOnTimeout(null, 15, TimeUnit.SECONDS).get() != null;
      assertThat(gone || !qemu.get().isAlive()).as("QEMU is killed with the app").isTrue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      qemu.ifPresent(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
