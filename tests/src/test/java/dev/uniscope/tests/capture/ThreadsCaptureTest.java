package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
    GroundTruth.assertThreadsCounters(capture, r);
  }
}
