package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code leaky}: the leak report is exactly the app's known answer (docs/app-api.md): 16 x 64 B at
 * leak_small, 4 x 4096 B at leak_pages, 1 x 100000 B at leak_big, 21 objects, 117408 bytes; the
 * global, stack-held and interior-pointer blocks are not reported.
 */
class LeakyCaptureTest {
  @TempDir Path dir;

  @Test
  @Timeout(900)
  void leakReportIsTheGroundTruthAndTheLeakGateFails() throws Exception {
    Path capture = dir.resolve("leaky.uscope");
    assertThat(CaptureCli.run(capture, GroundTruth.LEAKY_RUN)).isZero();
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json, "--html", dir.resolve("html").toString())).isZero();
    JsonNode r = CaptureCli.json(json);
    GroundTruth.assertLeakyReport(r);

    assertThat(CaptureCli.report(capture, dir.resolve("g.json"), "--fail-on", "leaks"))
        .isEqualTo(5);
    assertThat(CaptureCli.report(capture, dir.resolve("p.json"), "--fail-on", "panic")).isZero();
  }
}
