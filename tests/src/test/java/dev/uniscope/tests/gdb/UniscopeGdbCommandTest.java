package dev.uniscope.tests.gdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.tests.harness.QemuVm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code uniscope gdb --attach}: the printed gdb command line works, with the slide applied. */
class UniscopeGdbCommandTest {
  static final Pattern LINE =
      Pattern.compile(
          "^gdb -nx -ex 'symbol-file -o (0x[0-9a-f]+) (\\S+)' -ex '(target remote \\S+)'$",
          Pattern.MULTILINE);

  @Test
  @Timeout(600)
  void printedCommandLineAttachesThroughTheWorkbenchWithSymbols() throws Exception {
    try (QemuVm vm = QemuVm.builder().append("app=threads items=1000000").smp(2).gdb().start()) {
      Matcher kaslr = vm.console().awaitLine(KernelSymbols.KASLR, Duration.ofMinutes(3));
      vm.console().awaitLine(Pattern.compile("^app: start name=threads"), Duration.ofMinutes(3));
      long slide = KernelSymbols.slide(kaslr);

      StringWriter out = new StringWriter();
      CommandLine cl = UniscopeCommand.commandLine();
      cl.setOut(new PrintWriter(out, true));
      String[] args = {
        "gdb",
        "--attach",
        vm.gdbSocket().toString(),
        "--kernel",
        KernelSymbols.elf().toString(),
        "--once"
      };
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));

      Matcher m = awaitPrinted(out, exit);
      assertThat(Long.parseUnsignedLong(m.group(1).substring(2), 16)).isEqualTo(slide);

      // Run exactly what was printed (as an argument array), in batch mode.
      List<String> gdb =
          new ArrayList<>(
              List.of(
                  "timeout",
                  "300",
                  "/usr/bin/gdb",
                  "-nx",
                  "-batch",
                  "-ex",
                  "symbol-file -o " + m.group(1) + " " + m.group(2),
                  "-ex",
                  m.group(3),
                  "-ex",
                  "print items",
                  "-ex",
                  "info symbol app_threads.main",
                  "-ex",
                  "detach"));
      Process p = new ProcessBuilder(gdb).redirectErrorStream(true).start();
      String text;
      try {
        text = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }
      assertThat(text).contains("$1 = 1000000");
      assertThat(text).contains("threads_main");
      assertThat(exit.get(2, TimeUnit.MINUTES)).isZero();
    }
  }

  private static Matcher awaitPrinted(StringWriter out, CompletableFuture<Integer> exit)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      Matcher m = LINE.matcher(out.toString());
      if (m.find()) {
        return m;
      }
      if (exit.isDone()) {
        throw new AssertionError("uniscope gdb exited with " + exit.get() + ": " + out);
      }
      // Output arrives from another thread with no event to wait on; poll briefly.
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
    }
    throw new AssertionError("uniscope gdb printed no command line: " + out);
  }
}
