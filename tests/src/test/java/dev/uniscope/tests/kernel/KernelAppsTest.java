package dev.uniscope.tests.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every built-in app boots with {@code -smp 1} and {@code -smp 4}, prints its known answer and a
 * result that matches it, and powers the VM off with status 0 (docs/app-api.md).
 */
class KernelAppsTest {

  static void assertBooted(KernelRun run, int smp) {
    run.line("^uniscope: kernel \\S+ booting build-id=[0-9a-f]{40}");
    run.line("^kaslr: slide=0x[0-9a-f]+ base=0x[0-9a-f]+ link=0xffffffff80200000 on ");
    assertThat(Integer.parseInt(run.line("^smp: (\\d+) cpus online").group(1)))
        .as("%s", run)
        .isEqualTo(smp);
    run.line("^app: start name=\\w+ cpus=" + smp + " ");
  }

  @ParameterizedTest(name = "spin -smp {0}")
  @ValueSource(ints = {1, 4})
  @Timeout(300)
  void spinBurnsFiftyThirtyTwenty(int smp) throws Exception {
    KernelRun run = KernelRun.boot("app=spin duration=600", smp);
    assertBooted(run, smp);
    run.line("^spin: known-answer burn_a=50 burn_b=30 burn_c=20");
    for (int cpu = 0; cpu < smp; cpu++) {
      // Two CPU-bound threads per CPU: without timer preemption each would be switched in
      // once (2 in total); anything above proves preemption even on a starved vCPU.
      Matcher c = run.line("^spin: result cpu=" + cpu + " .* threads=2 switches=(\\d+)");
      assertThat(Long.parseLong(c.group(1))).as("%s", run).isGreaterThanOrEqualTo(3);
    }
    Matcher m = run.line("^spin: result total burn_a=([\\d.]+) burn_b=([\\d.]+) burn_c=([\\d.]+)");
    assertThat(Double.parseDouble(m.group(1))).as("%s", run).isBetween(48.0, 52.0);
    assertThat(Double.parseDouble(m.group(2))).as("%s", run).isBetween(28.0, 32.0);
    assertThat(Double.parseDouble(m.group(3))).as("%s", run).isBetween(18.0, 22.0);
    run.assertAppExit("spin", 0);
  }

  @ParameterizedTest(name = "leaky -smp {0}")
  @ValueSource(ints = {1, 4})
  @Timeout(300)
  void leakyReportsItsKnownSites(int smp) throws Exception {
    KernelRun run = KernelRun.boot("app=leaky hold=100", smp);
    assertBooted(run, smp);
    run.line(
        "^leaky: known-answer leaks=21 leaked_bytes=117408 "
            + "sites=leak_small:16x64,leak_pages:4x4096,leak_big:1x100000 "
            + "not_leaks=global:256,stack:512,interior:1024");
    // Measured by the app: heap deltas across the leak sites and the sizes of the live blocks.
    Matcher m =
        run.line(
            "^leaky: result leaks_made=21 leaked_bytes=117408 "
                + "not_leaks=global:256,stack:512,interior:1024 heap_in_use=(\\d+)");
    // The leaks plus the three live non-leaks are all still allocated.
    assertThat(Long.parseLong(m.group(1))).isGreaterThanOrEqualTo(117408 + 256 + 512 + 1024);
    run.assertAppExit("leaky", 0);
  }

  @ParameterizedTest(name = "threads -smp {0}")
  @ValueSource(ints = {1, 4})
  @Timeout(300)
  void threadsProduceAndConsumeEverything(int smp) throws Exception {
    KernelRun run = KernelRun.boot("app=threads items=100", smp);
    assertBooted(run, smp);
    Matcher known =
        run.line(
            "^threads: known-answer producers=(\\d+) consumers=(\\d+) items=(\\d+) "
                + "checksum=(\\d+)");
    assertThat(Integer.parseInt(known.group(1))).isEqualTo(2 * smp);
    long items = Long.parseLong(known.group(3));
    long checksum = Long.parseLong(known.group(4));
    assertThat(items).isEqualTo(2L * smp * 100);
    assertThat(checksum).isEqualTo(2L * smp * 100 * 101 / 2);
    Matcher r =
        run.line(
            "^threads: result produced=(\\d+) consumed=(\\d+) checksum=(\\d+) "
                + "wakeups=(\\d+) switches=(\\d+) ok");
    assertThat(Long.parseLong(r.group(1))).isEqualTo(items);
    assertThat(Long.parseLong(r.group(2))).isEqualTo(items);
    assertThat(Long.parseLong(r.group(3))).isEqualTo(checksum);
    // Every producer and consumer sleeps, so each was woken and switched in at least once.
    assertThat(Long.parseLong(r.group(4))).isGreaterThanOrEqualTo(4L * smp);
    assertThat(Long.parseLong(r.group(5))).isGreaterThanOrEqualTo(4L * smp);
    if (smp > 1) {
      // Threads were spread over all CPUs.
      for (int cpu = 0; cpu < smp; cpu++) {
        run.line("^threads: thread name=\\S+ cpu=" + cpu + " wakeups=[1-9]");
      }
    }
    run.assertAppExit("threads", 0);
  }

  @ParameterizedTest(name = "kvstore -smp {0}")
  @ValueSource(ints = {1, 4})
  @Timeout(300)
  void kvstoreIsTheDefaultAndLeaksOnePerHundred(int smp) throws Exception {
    KernelRun run = KernelRun.boot("duration=800", smp); // no app=: kvstore is the default
    assertBooted(run, smp);
    run.line("^kvstore: known-answer leak_site=kvs_audit leak_size=48 leak_every=100");
    Matcher r =
        run.line(
            "^kvstore: result requests=(\\d+) gets=(\\d+) hits=(\\d+) puts=(\\d+) "
                + "dels=(\\d+) keys=(\\d+) leaked=(\\d+) leaked_bytes=(\\d+) expected_leaked=(\\d+)");
    long requests = Long.parseLong(r.group(1));
    assertThat(requests).as("%s", run).isPositive();
    assertThat(Long.parseLong(r.group(2)) + Long.parseLong(r.group(4)) + Long.parseLong(r.group(5)))
        .isEqualTo(requests);
    assertThat(Long.parseLong(r.group(7))).isEqualTo(requests / 100);
    assertThat(Long.parseLong(r.group(8))).isEqualTo(48 * (requests / 100));
    run.assertAppExit("kvstore", 0);
  }
}
