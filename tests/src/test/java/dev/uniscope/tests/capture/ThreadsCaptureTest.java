package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
 * {@code threads}: per-thread switch-ins and wake-ups in the captured trace agree with the kernel's
 * own counters that the app prints ({@code threads: thread name=S ... wakeups=N switches=N}), and
 * nothing was lost.
 */
class ThreadsCaptureTest {
  static final Pattern THREAD =
      Pattern.compile("^threads: thread name=(\\S+) cpu=\\d+ wakeups=(\\d+) switches=(\\d+)");

  /** A thread may be switched in again between printing its counters and the end of the run. */
  static final long SLACK = 2;

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void switchAndWakeupCountsMatchTheAppsCounters() throws Exception {
    Path capture = dir.resolve("threads.uscope");
    assertThat(CaptureCli.run(capture, "--app", "threads", "--smp", "2", "--trace", "sched"))
        .isZero();
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json, "--fail-on", "lost-events,panic")).isZero();
    JsonNode r = CaptureCli.json(json);
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
          .isBetween(wakeups, wakeups + SLACK);
      assertThat(t.path("switches_in").asLong())
          .as("switches of %s", m.group(1))
          .isBetween(switches, switches + SLACK);
    }
    assertThat(r.path("events").path("lost_records").asLong()).isZero();
  }
}
