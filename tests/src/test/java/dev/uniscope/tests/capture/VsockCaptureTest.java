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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code run --transport vsock}: the data channel over virtio-vsock port 5151 (boot option {@code
 * data=vsock}, trace-ingest's vhost-user-vsock back-end, the port exposed as a Unix socket) gives
 * the same ground truth as over COM2: {@code leaky}'s leak report (as {@link LeakyCaptureTest}) and
 * {@code spin}'s profile shares and call chains (as {@link SpinCaptureTest}), and {@code threads}'
 * switch and wakeup counts (as {@link ThreadsCaptureTest}; an app that ends before the host has
 * connected: the kernel waits for the host before its final drain).
 */
class VsockCaptureTest {
  static final Pattern CONNECTED =
      Pattern.compile("trace: data channel: host connected on vsock port 5151");

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void leakyOverVsockReportsTheGroundTruth() throws Exception {
    Path capture = dir.resolve("leaky.uscope");
    assertThat(
            CaptureCli.run(
                capture,
                "--transport",
                "vsock",
                "--app",
                "leaky",
                "--trace",
                "sched,irq,alloc",
                "--profile",
                "997",
                "--heap",
                "--duration",
                "5m"))
        .isZero();
    assertThat(CaptureCli.consoleMatches(capture, CONNECTED)).isNotEmpty();
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json)).isZero();
    JsonNode r = CaptureCli.json(json);
    JsonNode leaks = r.path("leaks");
    assertThat(leaks.path("source").asString()).isEqualTo("leak_scan");
    assertThat(leaks.path("leaks").asLong()).isEqualTo(21);
    assertThat(leaks.path("leaked_bytes").asLong()).isEqualTo(117408);
    List<org.assertj.core.groups.Tuple> sites = new ArrayList<>();
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
    assertThat(CaptureCli.report(capture, dir.resolve("g.json"), "--fail-on", "leaks"))
        .isEqualTo(5);
  }

  @Test
  @Timeout(900)
  void spinOverVsockHasTheKnownProfileShares() throws Exception {
    Path capture = dir.resolve("spin.uscope");
    assertThat(
            CaptureCli.run(
                capture,
                "--transport",
                "vsock",
                "--app",
                "spin",
                "--smp",
                "2",
                "--profile",
                "997",
                "--append",
                // 6 s rather than SpinCaptureTest's 4: more samples when a loaded host delays
                // ticks.
                "duration=6000"))
        .isZero();
    assertThat(CaptureCli.consoleMatches(capture, CONNECTED)).isNotEmpty();
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json)).isZero();
    JsonNode r = CaptureCli.json(json);
    assertThat(r.path("kernel").path("elf_matches").asBoolean()).isTrue();
    long[] samples = new long[3];
    long otherChain = 0;
    List<String> burns = List.of("burn_a", "burn_b", "burn_c");
    for (JsonNode s : r.path("profile").path("stacks")) {
      List<String> frames = new ArrayList<>();
      s.path("frames").forEach(f -> frames.add(SpinCaptureTest.base(f.asString())));
      for (int k = 0; k < 3; k++) {
        int at = frames.indexOf(burns.get(k));
        if (at < 0) {
          continue;
        }
        // Rarely a sample's chain lacks a frame (seen over COM2 too: spin_phase missing, e.g. a
        // sample before a frame is pushed): tolerated up to 1 % of the burn samples.
        if (!frames
            .subList(Math.max(0, at - SpinCaptureTest.CHAIN.size()), at)
            .equals(SpinCaptureTest.CHAIN)) {
          otherChain += s.path("samples").asLong();
        }
        samples[k] += s.path("samples").asLong();
      }
    }
    long total = samples[0] + samples[1] + samples[2];
    // About 6500 samples per 4 s on an idle machine, as over COM2; TCG delivers fewer ticks when
    // the host is loaded (seen: 3400 in 4 s over vsock, 5100 over COM2 in the same busy run). At
    // 3000 the 50 % share's standard error is 0.91 pp: the 3 pp tolerance is over 3 of them.
    assertThat(total).as("samples in burn_a/b/c").isGreaterThan(3000);
    assertThat(100.0 * otherChain / total)
        .as("percent of burn samples off the chain")
        .isLessThan(1.0);
    for (int k = 0; k < 3; k++) {
      assertThat(100.0 * samples[k] / total)
          .as("share of %s", burns.get(k))
          .isCloseTo(SpinCaptureTest.SHARES.get(burns.get(k)), within(3.0));
    }
  }

  @Test
  @Timeout(900)
  void shortThreadsRunOverVsockMatchesTheAppsCounters() throws Exception {
    Path capture = dir.resolve("threads.uscope");
    assertThat(
            CaptureCli.run(
                capture,
                "--transport",
                "vsock",
                "--app",
                "threads",
                "--smp",
                "2",
                "--trace",
                "sched"))
        .isZero();
    assertThat(CaptureCli.consoleMatches(capture, CONNECTED)).isNotEmpty();
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json, "--fail-on", "lost-events,panic")).isZero();
    JsonNode r = CaptureCli.json(json);
    Map<String, JsonNode> byName = new HashMap<>();
    r.path("timeline").path("threads").forEach(t -> byName.put(t.path("name").asString(), t));
    List<Matcher> printed = CaptureCli.consoleMatches(capture, ThreadsCaptureTest.THREAD);
    assertThat(printed).hasSize(8);
    for (Matcher m : printed) {
      JsonNode t = byName.get(m.group(1));
      assertThat(t).as("thread %s in the trace", m.group(1)).isNotNull();
      long wakeups = Long.parseLong(m.group(2));
      long switches = Long.parseLong(m.group(3));
      assertThat(t.path("wakeups").asLong())
          .as("wakeups of %s", m.group(1))
          .isBetween(wakeups, wakeups + ThreadsCaptureTest.SLACK);
      assertThat(t.path("switches_in").asLong())
          .as("switches of %s", m.group(1))
          .isBetween(switches, switches + ThreadsCaptureTest.SLACK);
    }
    assertThat(r.path("events").path("lost_records").asLong()).isZero();
  }
}
