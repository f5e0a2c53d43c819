package dev.uniscope.tests.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.launch.QemuProcess.ExitStatus;
import dev.uniscope.tests.harness.QemuVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One complete boot of the kernel: runs QEMU until it exits by itself and keeps the console. The
 * timeouts are generous because the tests run under TCG on a loaded machine; nothing here sleeps.
 */
record KernelRun(String append, int smp, String console, ExitStatus exit) {
  static final Duration BOOT_TIMEOUT = Duration.ofMinutes(3);

  /** The last line the kernel prints before powering off (docs/app-api.md). */
  static final Pattern LAST_LINE =
      Pattern.compile("^(app: exit name=|panic: end|panic: nested fault|early boot: fatal)");

  static KernelRun boot(String append, int smp) throws Exception {
    return boot(null, append, smp);
  }

  static KernelRun boot(Path kernel, String append, int smp) throws Exception {
    QemuVm.Builder b = QemuVm.builder().append(append).smp(smp);
    if (kernel != null) {
      b.kernel(kernel);
    }
    try (QemuVm vm = b.start()) {
      ExitStatus exit = vm.awaitExit(BOOT_TIMEOUT);
      // QEMU has exited, but its last output may still be on its way through the pipe: wait for
      // the kernel's final line (or the end of the stream) before taking the text.
      try {
        vm.console().awaitLine(LAST_LINE, Duration.ofSeconds(60));
      } catch (TimeoutException e) {
        // The stream ended without a final line; the assertions show the console.
      }
      return new KernelRun(append, smp, vm.console().text(), exit);
    }
  }

  List<String> lines() {
    return console.lines().map(l -> l.replace("\r", "")).toList();
  }

  /** The first match of {@code regex} in a console line; fails with the console if none. */
  Matcher line(String regex) {
    Pattern p = Pattern.compile(regex);
    for (String l : lines()) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("no console line matches /" + regex + "/; " + this);
  }

  Optional<Matcher> maybeLine(String regex) {
    try {
      return Optional.of(line(regex));
    } catch (AssertionError e) {
      return Optional.empty();
    }
  }

  /** Asserts the app ran to its end and the VM exited through isa-debug-exit with {@code code}. */
  void assertAppExit(String app, int code) {
    line("^app: exit name=" + app + " status=" + code);
    assertThat(exit.guestCode()).as("guest exit code; %s", this).contains(code);
  }

  @Override
  public String toString() {
    return "boot '" + append + "' -smp " + smp + " exit " + exit + ", console:\n" + console;
  }
}
