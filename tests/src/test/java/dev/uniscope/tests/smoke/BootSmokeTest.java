package dev.uniscope.tests.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.tests.harness.QemuVm;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first thing CI checks: the shipped kernel boots under QEMU on the workbench's launcher, says
 * who it is on COM1, runs an app and powers off with its status. It fails if the kernel prints
 * nothing or never exits.
 */
class BootSmokeTest {
  /** The boot banner, the first line the kernel prints (docs/app-api.md). */
  static final Pattern BANNER = Pattern.compile("^uniscope: kernel \\S+ booting");

  @Test
  @Timeout(300)
  void kernelBootsPrintsBannerAndExitsWithAppStatus() throws Exception {
    try (QemuVm vm = QemuVm.builder().append("app=spin").smp(2).start()) {
      vm.console().awaitLine(BANNER, Duration.ofMinutes(2));
      vm.console()
          .awaitLine(Pattern.compile("^app: exit name=spin status=0"), Duration.ofMinutes(4));
      var exit = vm.awaitExit(Duration.ofMinutes(4));
      assertThat(exit.guestCode())
          .as("guest exit via isa-debug-exit; console:%n%s", vm.console().text())
          .contains(0);
    }
  }
}
