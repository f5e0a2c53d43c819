package dev.uniscope.tests.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.tests.harness.Kernel;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.store.EventStore;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records dropped at the source reach the host, and the {@code lost-events} gate. tracebench writes
 * flat out over COM2, so the ring fills within milliseconds and most records are dropped while no
 * page can be started: those drops are pending until a page carries them. The trace then stops at
 * the app's end (docs/protocol.md section 9), and the final drain must still deliver them in a page
 * header: the capture's lost count equals the kernel's own, none left unreported.
 */
class DropAccountingTest {
  @TempDir Path dir;

  @Test
  @Timeout(600)
  void everyDropIsInAPageHeaderAndFailsTheGate() throws Exception {
    Path capture = dir.resolve("flat-out.uscope");
    int exit = TracebenchRateTest.record(capture, 2, "duration=500");
    List<String> console = TracebenchRateTest.console(capture);
    assertThat(exit).as("run exit; console %s", console).isZero();

    long kernelLost = 0;
    long written = 0;
    for (int cpu = 0; cpu < 2; cpu++) {
      Matcher t =
          TracebenchRateTest.line(
              console,
              "^trace: cpu="
                  + cpu
                  + " pages_started=\\d+ pages_sent=\\d+ lost=(\\d+)"
                  + " lost_unreported=(\\d+)");
      kernelLost += Long.parseLong(t.group(1));
      assertThat(Long.parseLong(t.group(2))).as("cpu %d drops in no sent page", cpu).isZero();
      Matcher r =
          TracebenchRateTest.line(console, "^tracebench: result cpu=" + cpu + " events=(\\d+) ");
      written += Long.parseLong(r.group(1));
    }
    assertThat(kernelLost).as("flat out over COM2 must overflow the ring").isPositive();

    long delivered = 0;
    try (CaptureReader reader = CaptureReader.open(capture, new ProblemLog())) {
      TraceSession s = reader.load();
      assertThat(s.stats().lostRecords()).as("lost in page headers").isEqualTo(kernelLost);
      assertThat(s.stats().missingPages()).isZero();
      EventStore store = s.store();
      for (int cpu = 0; cpu < 2; cpu++) {
        for (long i = 0; i < store.eventCount(cpu); i++) {
          if (store.event(cpu, i).name().equals("marker_counter")) {
            delivered++;
          }
        }
      }
    }
    // Every counter record tracebench wrote is either delivered or counted as lost. The lost
    // count may also hold the few other marker records dropped while the ring was full.
    assertThat(delivered + kernelLost).isGreaterThanOrEqualTo(written);
    assertThat(delivered + kernelLost - written)
        .as("lost records that are not counters")
        .isLessThan(64);

    Path json = dir.resolve("r.json");
    assertThat(
            UniscopeCommand.execute(
                "report",
                capture.toString(),
                "--kernel",
                Kernel.elf().toString(),
                "--json",
                json.toString(),
                "--fail-on",
                "lost-events"))
        .isEqualTo(6);
  }
}
