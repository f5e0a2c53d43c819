package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
    assertThat(CaptureCli.runOverVsock(capture, GroundTruth.LEAKY_RUN)).isZero();
    assertThat(CaptureCli.consoleMatches(capture, CONNECTED)).isNotEmpty();
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json)).isZero();
    JsonNode r = CaptureCli.json(json);
    GroundTruth.assertLeakyReport(r);

    assertThat(CaptureCli.report(capture, dir.resolve("g.json"), "--fail-on", "leaks"))
        .isEqualTo(5);
  }

  @Test
  @Timeout(900)
  void spinOverVsockHasTheKnownProfileShares() throws Exception {
    // About 6500 burn samples per 4 s on an idle machine, as over COM2; TCG delivers fewer ticks
    // when the host is loaded (seen: 2,400 in 6 s at load 16), so runs are pooled until they hold
    // 2,500 (3 pp >= 3 standard errors of a share, as in SpinCaptureTest).
    GroundTruth.assertSpinProfile(GroundTruth.spinReports(2500, this::spinRun), 2500);
  }

  private JsonNode spinRun(int attempt) throws Exception {
    Path capture = dir.resolve("spin" + attempt + ".uscope");
    assertThat(CaptureCli.runOverVsock(capture, GroundTruth.spinRun(6000))).isZero();
    assertThat(CaptureCli.consoleMatches(capture, CONNECTED)).isNotEmpty();
    Path json = dir.resolve("r" + attempt + ".json");
    assertThat(CaptureCli.report(capture, json)).isZero();
    return CaptureCli.json(json);
  }

  @Test
  @Timeout(900)
  void shortThreadsRunOverVsockMatchesTheAppsCounters() throws Exception {
    Path capture = dir.resolve("threads.uscope");
    assertThat(
            CaptureCli.runOverVsock(capture, "--app", "threads", "--smp", "2", "--trace", "sched"))
        .isZero();
    assertThat(CaptureCli.consoleMatches(capture, CONNECTED)).isNotEmpty();
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json, "--fail-on", "lost-events,panic")).isZero();
    JsonNode r = CaptureCli.json(json);
    GroundTruth.assertThreadsCounters(capture, r);
  }
}
