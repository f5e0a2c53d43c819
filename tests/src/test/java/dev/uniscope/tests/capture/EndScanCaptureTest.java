package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code run --heap} boots with {@code leakscan=end}: the kernel scans once more when the app's
 * main returns (scan id 0xffffffff, no minimum age), so a report of an app that exits on its own
 * holds every leak, not only those older than the last periodic scan (docs/app-api.md, "The end
 * scan").
 */
class EndScanCaptureTest {
  /** LEAKSCAN_END_ID (kernel/include/leakscan.h). */
  static final long END_ID = 0xffffffffL;

  /** kvstore's result: requests, heap-measured leaked blocks and bytes, requests / 100. */
  static final Pattern KVSTORE_RESULT =
      Pattern.compile(
          "^kvstore: result requests=(\\d+) .* leaked=(\\d+) leaked_bytes=(\\d+)"
              + " expected_leaked=(\\d+)");

  static final Pattern END_SCAN_LINE =
      Pattern.compile("^app: end scan id=4294967295 leaks=(\\d+) leaked_bytes=(\\d+) status=0");

  @TempDir Path dir;

  /**
   * kvstore leaks one 48-byte audit record per 100 requests (kernel/apps/kvstore.c), the last of
   * them milliseconds before it exits: the report has all of them, at kvs_audit, and nothing else.
   */
  @Test
  @Timeout(900)
  void kvstoreReportHoldsEveryLeakItMade() throws Exception {
    Path capture = dir.resolve("kvstore.uscope");
    assertThat(CaptureCli.run(capture, "--app", "kvstore", "--heap")).isZero();
    List<Matcher> result = CaptureCli.consoleMatches(capture, KVSTORE_RESULT);
    assertThat(result).hasSize(1);
    long requests = Long.parseLong(result.get(0).group(1));
    long measured = Long.parseLong(result.get(0).group(2));
    long expected = Long.parseLong(result.get(0).group(4));
    // The known answer, twice: requests / 100, and what the heap itself still holds.
    assertThat(expected).isEqualTo(requests / 100).isPositive();
    assertThat(measured).isEqualTo(expected);
    assertThat(Long.parseLong(result.get(0).group(3))).isEqualTo(48 * expected);

    JsonNode r = report(capture);
    JsonNode leaks = r.path("leaks");
    assertThat(leaks.path("source").asString()).isEqualTo("leak_scan");
    assertThat(leaks.path("scan_id").asLong()).isEqualTo(END_ID);
    assertThat(leaks.path("leaks").asLong()).isEqualTo(expected);
    assertThat(leaks.path("leaked_bytes").asLong()).isEqualTo(48 * expected);
    assertThat(leaks.path("groups")).hasSize(1);
    JsonNode g = leaks.path("groups").get(0);
    assertThat(g.path("site").asString()).isEqualTo("kvs_audit");
    assertThat(g.path("count").asLong()).isEqualTo(expected);
    assertThat(g.path("sizes")).hasSize(1);
    assertThat(g.path("sizes").get(0).path("size").asLong()).isEqualTo(48);
    assertThat(r.path("events").path("lost_records").asLong()).isZero();
    assertEndScanLine(capture, expected, 48 * expected);
  }

  /**
   * leaky scans by itself before it exits; the end scan sees the same 21 objects (its non-leaks are
   * still reachable from a global, a live thread's stack and an interior pointer), and the report
   * counts them once: exactly the ground truth.
   */
  @Test
  @Timeout(900)
  void leakyReportIsStillExactlyTheGroundTruth() throws Exception {
    Path capture = dir.resolve("leaky.uscope");
    assertThat(CaptureCli.run(capture, "--app", "leaky", "--heap")).isZero();
    JsonNode r = report(capture);
    GroundTruth.assertLeakyReport(r);
    assertThat(r.path("leaks").path("scan_id").asLong()).isEqualTo(END_ID);
    // leaky's own scan and the end scan at least (plus whatever the host asked for).
    assertThat(r.path("leaks").path("complete_scans").asInt()).isGreaterThanOrEqualTo(2);
    assertEndScanLine(capture, 21, 117408);
    assertThat(CaptureCli.consoleMatches(capture, Pattern.compile("^leaky: scan leaks=21 ")))
        .hasSize(1);
  }

  /** {@code --no-end-scan}: no end scan, the kernel never sees {@code leakscan=end}. */
  @Test
  @Timeout(900)
  void noEndScanTurnsItOff() throws Exception {
    Path capture = dir.resolve("leaky-no-end.uscope");
    assertThat(CaptureCli.run(capture, "--app", "leaky", "--heap", "--no-end-scan")).isZero();
    JsonNode r = report(capture);
    GroundTruth.assertLeakyReport(r); // leaky's own scan still gives the answer
    assertThat(r.path("leaks").path("scan_id").asLong()).isLessThan(END_ID);
    assertThat(CaptureCli.consoleMatches(capture, Pattern.compile("^app: end scan "))).isEmpty();
    assertThat(CaptureCli.consoleMatches(capture, Pattern.compile("^app: exit name=leaky ")))
        .hasSize(1);
  }

  private JsonNode report(Path capture) throws Exception {
    Path json = dir.resolve(capture.getFileName() + ".json");
    assertThat(CaptureCli.report(capture, json)).isZero();
    JsonNode r = CaptureCli.json(json);
    assertThat(r.path("run").path("outcome").asString()).isEqualTo("exited");
    return r;
  }

  /** The kernel's own summary of the end scan agrees with the report. */
  private static void assertEndScanLine(Path capture, long leaks, long bytes) throws Exception {
    List<Matcher> end = CaptureCli.consoleMatches(capture, END_SCAN_LINE);
    assertThat(end).hasSize(1);
    assertThat(Long.parseLong(end.get(0).group(1))).isEqualTo(leaks);
    assertThat(Long.parseLong(end.get(0).group(2))).isEqualTo(bytes);
  }
}
