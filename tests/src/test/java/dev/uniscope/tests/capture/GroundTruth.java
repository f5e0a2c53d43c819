package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.groups.Tuple;
import tools.jackson.databind.JsonNode;

/**
 * The apps' known answers (docs/app-api.md), checked against a report, whatever transport the
 * capture came through.
 */
final class GroundTruth {
  /** {@code run} options of leaky's ground-truth capture (over any transport). */
  static final String[] LEAKY_RUN = {
    "--app", "leaky", "--trace", "sched,irq,alloc", "--profile", "997", "--heap", "--duration", "5m"
  };

  /** {@code run} options of a spin capture: 2 vCPUs, 997 Hz, {@code durationMs} of burning. */
  static String[] spinRun(int durationMs) {
    return new String[] {
      "--app", "spin", "--smp", "2", "--profile", "997", "--append", "duration=" + durationMs
    };
  }

  /** spin's call chain above each burn function, outermost first. */
  static final List<String> SPIN_CHAIN =
      List.of("spin_worker", "spin_round", "spin_dispatch", "spin_phase");

  static final Map<String, Double> SPIN_SHARES =
      Map.of("burn_a", 50.0, "burn_b", 30.0, "burn_c", 20.0);

  /** The line threads prints per thread with the kernel's own counters. */
  static final Pattern THREAD =
      Pattern.compile("^threads: thread name=(\\S+) cpu=\\d+ wakeups=(\\d+) switches=(\\d+)");

  /** A thread may be switched in again between printing its counters and the end of the run. */
  static final long THREAD_SLACK = 2;

  private GroundTruth() {}

  /** {@code burn_a.constprop.0} -> {@code burn_a}: GCC clones keep the source name first. */
  static String base(String frame) {
    int dot = frame.indexOf('.');
    return dot < 0 ? frame : frame.substring(0, dot);
  }

  /**
   * leaky leaks exactly 16 x 64 B at leak_small, 4 x 4096 B at leak_pages and 1 x 100000 B at
   * leak_big (21 objects, 117408 bytes), each symbolized; nothing else is reported.
   */
  static void assertLeakyReport(JsonNode r) {
    JsonNode leaks = r.path("leaks");
    assertThat(leaks.path("source").asString()).isEqualTo("leak_scan");
    assertThat(leaks.path("leaks").asLong()).isEqualTo(21);
    assertThat(leaks.path("leaked_bytes").asLong()).isEqualTo(117408);
    List<Tuple> sites = new ArrayList<>();
    for (JsonNode g : leaks.path("groups")) {
      assertThat(g.path("sizes")).hasSize(1);
      sites.add(
          tuple(
              g.path("site").asString(),
              g.path("count").asLong(),
              g.path("sizes").get(0).path("size").asLong()));
      assertThat(g.path("stack").get(0).asString()).startsWith(g.path("site").asString() + "+");
    }
    assertThat(sites)
        .containsExactlyInAnyOrder(
            tuple("leak_small", 16L, 64L),
            tuple("leak_pages", 4L, 4096L),
            tuple("leak_big", 1L, 100000L));
    assertThat(r.path("run").path("outcome").asString()).isEqualTo("exited");
    assertThat(r.path("kernel").path("elf_matches").asBoolean()).isTrue();
  }

  /** One spin capture and its report, for {@link #spinReports}. */
  interface SpinRun {
    JsonNode captureAndReport(int attempt) throws Exception;
  }

  /** At most this many spin captures are pooled to reach the sample count. */
  static final int MAX_SPIN_RUNS = 6;

  /**
   * Spin captures until together they hold {@code minSamples} burn samples. TCG delivers fewer
   * timer ticks when the host is loaded (an 8 s run gave ~8,000 burn samples idle, ~2,400 at load
   * 16, 1,300 at load 19), so the sample count, not the tolerance, adapts: runs of the same app are
   * independent draws from the same shares and pool.
   */
  static List<JsonNode> spinReports(long minSamples, SpinRun run) throws Exception {
    List<JsonNode> reports = new ArrayList<>();
    long total = 0;
    for (int attempt = 1; attempt <= MAX_SPIN_RUNS && total < minSamples; attempt++) {
      JsonNode r = run.captureAndReport(attempt);
      reports.add(r);
      for (long n : spinBurnSamples(r)) {
        total += n;
      }
    }
    return reports;
  }

  /**
   * spin's profile: burn_a/b/c share the burn samples 50/30/20 within 3 pp, each under its call
   * chain. At {@code minSamples} burn samples the 50 % share has a standard error of
   * sqrt(0.25/minSamples) (1 pp at 2,500), which callers choose so that 3 pp is at least 3 of them.
   * Up to 1 % of the samples may show a different chain: an interrupt can land where no unwinder
   * based on frame pointers can tell the caller (a frameless stretch of code).
   *
   * <p>Over the pooled reports of {@link #spinReports}.
   */
  static void assertSpinProfile(List<JsonNode> reports, long minSamples) {
    long[] samples = new long[3];
    long offChain = 0;
    for (JsonNode r : reports) {
      assertThat(r.path("kernel").path("elf_matches").asBoolean()).isTrue();
      long[] one = spinBurnSamples(r);
      for (int k = 0; k < 3; k++) {
        samples[k] += one[k];
      }
      offChain += spinOffChainSamples(r);
    }
    long total = samples[0] + samples[1] + samples[2];
    assertThat(total)
        .as("samples in burn_a/b/c over %d run(s)", reports.size())
        .isGreaterThanOrEqualTo(minSamples);
    assertThat(100.0 * offChain / total)
        .as("percent of burn samples off the chain")
        .isLessThan(1.0);
    for (int k = 0; k < 3; k++) {
      assertThat(100.0 * samples[k] / total)
          .as("share of %s", SPIN_BURNS.get(k))
          .isCloseTo(SPIN_SHARES.get(SPIN_BURNS.get(k)), within(3.0));
    }
  }

  static final List<String> SPIN_BURNS = List.of("burn_a", "burn_b", "burn_c");

  /** Samples whose stack holds burn_a, burn_b, burn_c, from the report's profile stacks. */
  static long[] spinBurnSamples(JsonNode r) {
    long[] samples = new long[3];
    forEachBurn(r, (k, onChain, n) -> samples[k] += n);
    return samples;
  }

  private static long spinOffChainSamples(JsonNode r) {
    long[] off = new long[1];
    forEachBurn(r, (k, onChain, n) -> off[0] += onChain ? 0 : n);
    return off[0];
  }

  private interface BurnVisitor {
    void visit(int burn, boolean onChain, long samples);
  }

  private static void forEachBurn(JsonNode r, BurnVisitor v) {
    for (JsonNode s : r.path("profile").path("stacks")) {
      List<String> frames = new ArrayList<>();
      s.path("frames").forEach(f -> frames.add(base(f.asString())));
      for (int k = 0; k < 3; k++) {
        int at = frames.indexOf(SPIN_BURNS.get(k));
        if (at >= 0) {
          boolean onChain =
              frames.subList(Math.max(0, at - SPIN_CHAIN.size()), at).equals(SPIN_CHAIN);
          v.visit(k, onChain, s.path("samples").asLong());
        }
      }
    }
  }

  /**
   * threads: every thread's switch-ins and wake-ups in the trace agree with the counters the app
   * printed, and nothing was lost.
   */
  static void assertThreadsCounters(Path capture, JsonNode r) throws Exception {
    Map<String, JsonNode> byName = new HashMap<>();
    r.path("timeline").path("threads").forEach(t -> byName.put(t.path("name").asString(), t));
    List<Matcher> printed = CaptureCli.consoleMatches(capture, THREAD);
    assertThat(printed).hasSize(8);
    for (Matcher m : printed) {
      JsonNode t = byName.get(m.group(1));
      assertThat(t).as("thread %s in the trace", m.group(1)).isNotNull();
      long wakeups = Long.parseLong(m.group(2));
      long switches = Long.parseLong(m.group(3));
      assertThat(t.path("wakeups").asLong())
          .as("wakeups of %s", m.group(1))
          .isBetween(wakeups, wakeups + THREAD_SLACK);
      assertThat(t.path("switches_in").asLong())
          .as("switches of %s", m.group(1))
          .isBetween(switches, switches + THREAD_SLACK);
    }
    assertThat(r.path("events").path("lost_records").asLong()).isZero();
  }
}
