package dev.uniscope.tests.heap;

import dev.uniscope.core.launch.QemuProcess.ExitStatus;
import dev.uniscope.tests.harness.QemuVm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One complete boot for the heap-debugging tests: QEMU runs until the kernel powers off; the
 * console is kept. Generous timeouts (TCG on a loaded machine); nothing sleeps.
 */
record HeapRun(String append, int smp, List<String> lines, ExitStatus exit) {
  static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
  static final Pattern LAST_LINE =
      Pattern.compile("^(app: exit name=|panic: end|panic: nested fault|early boot: fatal)");

  static HeapRun boot(String append, int smp) throws Exception {
    try (QemuVm vm = QemuVm.builder().append(append).smp(smp).start()) {
      ExitStatus exit = vm.awaitExit(BOOT_TIMEOUT);
      try {
        vm.console().awaitLine(LAST_LINE, Duration.ofSeconds(60));
      } catch (TimeoutException e) {
        // the stream ended without the final line: the assertions show the console
      }
      List<String> lines = new ArrayList<>();
      for (String l : vm.console().lines()) {
        lines.add(l.replace("\r", ""));
      }
      return new HeapRun(append, smp, List.copyOf(lines), exit);
    }
  }

  /** The first line matching {@code regex}; fails with the console if none. */
  Matcher line(String regex) {
    Pattern p = Pattern.compile(regex);
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("no console line matches /" + regex + "/; " + this);
  }

  /** Every line matching {@code regex}, in order. */
  List<Matcher> all(String regex) {
    Pattern p = Pattern.compile(regex);
    List<Matcher> out = new ArrayList<>();
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        out.add(m);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "boot '"
        + append
        + "' -smp "
        + smp
        + " exit "
        + exit
        + ", console:\n"
        + String.join("\n", lines);
  }
}
