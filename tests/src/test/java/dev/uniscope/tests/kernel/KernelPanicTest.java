package dev.uniscope.tests.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Panics are reported (registers, symbolized backtrace, slide), signalled, and never hang. */
class KernelPanicTest {

  @ParameterizedTest(name = "crash -smp {0}")
  @ValueSource(ints = {1, 4})
  @Timeout(300)
  void crashNamesTheFaultingFunctionInItsBacktrace(int smp) throws Exception {
    KernelRun run = KernelRun.boot("app=crash duration=100", smp);
    run.line("^crash: known-answer fault=page-fault cr2=0x0 function=crash_write_null");
    run.line("^panic: exception 14 \\(page fault\\) at 0x[0-9a-f]+ crash_write_null\\+0x");
    run.line("^panic: cpu=\\d+ thread=main");
    run.line("cr2=0x0000000000000000");
    run.line("^  page fault: write not-present address 0x0");
    List<String> lines = run.lines();
    int bt = lines.indexOf("backtrace:");
    assertThat(bt).as("%s", run).isPositive();
    List<String> frames =
        lines.subList(bt + 1, lines.size()).stream().takeWhile(l -> l.startsWith("  #")).toList();
    assertThat(frames.stream().map(f -> f.replaceAll("^  #\\d+ 0x[0-9a-f]+ ", "")).toList())
        .as("%s", run)
        .satisfiesExactly(
            f -> assertThat(f).startsWith("crash_write_null+0x"),
            f -> assertThat(f).startsWith("crash_level2+0x"),
            f -> assertThat(f).startsWith("crash_level1+0x"),
            f -> assertThat(f).startsWith("crash_main+0x"),
            f -> assertThat(f).startsWith("app_thread+0x"),
            f -> assertThat(f).startsWith("thread_entry+0x"));
    run.line("^kaslr: slide=0x[0-9a-f]+ base=0x[0-9a-f]+");
    run.line("^panic: end");
    // pvpanic: QEMU 7.2 powers off (status 0); never an app-exit status.
    assertThat(run.exit().guestCode()).as("%s", run).isEmpty();
    assertThat(run.maybeLine("^app: exit")).isEmpty();
  }

  @Test
  @Timeout(300)
  void aFaultInTheBootPathIsReportedNotHung() throws Exception {
    KernelRun run = KernelRun.boot("bootfault app=spin", 2);
    run.line(
        "^panic: exception 13 \\(general protection fault\\) at 0x[0-9a-f]+ "
            + "boot_fault_inject\\+0x");
    run.line("^panic: cpu=0 thread=boot");
    run.line("^  #1 0x[0-9a-f]+ kmain\\+0x");
    run.line("^panic: end");
    assertThat(run.maybeLine("^app: start")).isEmpty();
  }

  @Test
  @Timeout(300)
  void panicExitGivesStatus127() throws Exception {
    KernelRun run = KernelRun.boot("app=crash duration=50 panic_exit", 1);
    run.line("^panic: end");
    assertThat(run.exit().guestCode()).as("%s", run).contains(127);
  }

  @Test
  @Timeout(300)
  void aKernelStackOverflowIsADoubleFaultReportedOnItsOwnStack() throws Exception {
    KernelRun run = KernelRun.boot("app=crash overflow", 2);
    run.line("^panic: exception 8 \\(double fault\\) at 0x[0-9a-f]+ crash_recurse\\+0x");
    run.line("^  #1 0x[0-9a-f]+ crash_recurse\\+0x");
    run.line("^panic: end");
  }

  @Test
  @Timeout(300)
  void aFaultBeforeRelocationIsReportedByTheEarlyStage() throws Exception {
    KernelRun run = KernelRun.boot("earlyfault app=spin", 1);
    run.line("^early boot: fatal: exception 13 at rip 0x[0-9a-f]+ ");
    assertThat(run.exit().guestCode()).as("%s", run).contains(127);
  }

  @Test
  @Timeout(300)
  void anExplicitPanicFromTheHeapHasRegistersAndABacktrace() throws Exception {
    KernelRun run = KernelRun.boot("app=crash doublefree", 2);
    run.line("^panic: kfree: double free of 0x[0-9a-f]+");
    run.line("^  rip=0x[0-9a-f]+ \\(caller of panic\\) cr2=0x");
    run.line("^  r12=0x[0-9a-f]+ r13=");
    run.line("^  #0 0x[0-9a-f]+ kfree\\+0x");
    run.line("^  #1 0x[0-9a-f]+ crash_double_free\\+0x");
    run.line("^panic: end");
  }

  @Test
  @Timeout(300)
  void aFaultDuringThePanicIsReportedAndQemuStops() throws Exception {
    KernelRun run = KernelRun.boot("app=crash duration=20 panicfault", 2);
    run.line("^panic: exception 14 \\(page fault\\) at 0x[0-9a-f]+ crash_write_null\\+0x");
    run.line("^panic: nested fault during panic, halting");
    assertThat(run.exit().guestCode()).as("%s", run).isEmpty(); // pvpanic, not an app exit
  }
}
