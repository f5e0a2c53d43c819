package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    assertThat(
            CaptureCli.run(
                capture,
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
    Path json = dir.resolve("r.json");
    assertThat(CaptureCli.report(capture, json, "--html", dir.resolve("html").toString())).isZero();
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
    assertThat(CaptureCli.report(capture, dir.resolve("p.json"), "--fail-on", "panic")).isZero();
  }
}
