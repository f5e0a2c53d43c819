package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.tests.harness.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code spin}: the profile splits the burn time 50/30/20 between burn_a, burn_b and burn_c (within
 * 3 percentage points), and each is reached through its documented call chain, symbolized from the
 * ELF with this boot's KASLR slide. The pprof export, read by the real {@code go tool pprof}, gives
 * the same counts.
 */
class SpinCaptureTest {
  static final Pattern SEED_SOURCE = Pattern.compile("^kaslr: slide=.* source=(\\S+)");

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void profileSharesAndCallChainsMatchTheKnownAnswerDespiteKaslr() throws Exception {
    // 8 s on 2 vCPUs at 997 Hz: up to ~16,000 samples; fewer when the host steals vCPU time, so
    // runs are pooled until they hold 2,500 in the burn functions. There the largest share (50 %)
    // has a standard error of at most sqrt(0.25 / 2500) = 1 pp, so the 3 pp tolerance is at least 3
    // standard errors (and over 5 at the usual ~8,000 from one run).
    List<JsonNode> reports = GroundTruth.spinReports(2500, this::spinRun);
    GroundTruth.assertSpinProfile(reports, 2500);
    Path capture = dir.resolve("spin" + reports.size() + ".uscope");
    JsonNode r = reports.getLast();
    String svg = Files.readString(dir.resolve("html" + reports.size()).resolve("flamegraph.svg"));
    assertThat(svg).contains("burn_a").contains("burn_b").contains("burn_c");

    // The real pprof reads our pprof export and counts exactly what our report counts.
    Path pb = dir.resolve("spin.pb.gz");
    assertThat(
            UniscopeCommand.execute(
                "export",
                capture.toString(),
                "--kernel",
                Kernel.elf().toString(),
                "--format",
                "pprof",
                "--out",
                pb.toString()))
        .isZero();
    PprofTool.Top top = PprofTool.top(pb);
    long[] ours = GroundTruth.spinBurnSamples(r);
    for (int k = 0; k < 3; k++) {
      assertThat(top.cum(GroundTruth.SPIN_BURNS.get(k)))
          .as("pprof's cumulative samples of %s", GroundTruth.SPIN_BURNS.get(k))
          .isEqualTo(ours[k]);
    }
    // time_nanos is Unix time (the capture's creation aligned to the hello), not boot time.
    Instant made = Files.getLastModifiedTime(capture).toInstant();
    assertThat(top.time()).as("pprof's Time: line in %s", top.header()).isPresent();
    assertThat(Duration.between(top.time().get(), made).abs()).isLessThan(Duration.ofMinutes(15));
  }

  /** One spin capture, its report (JSON + HTML) checked for this boot's KASLR slide. */
  private JsonNode spinRun(int attempt) throws Exception {
    Path capture = dir.resolve("spin" + attempt + ".uscope");
    assertThat(CaptureCli.run(capture, GroundTruth.spinRun(8000))).isZero();
    Path json = dir.resolve("r" + attempt + ".json");
    Path html = dir.resolve("html" + attempt);
    assertThat(CaptureCli.report(capture, json, "--html", html.toString())).isZero();
    JsonNode r = CaptureCli.json(json);
    assertThat(r.path("layout").path("kaslr").asBoolean()).isTrue();
    assertThat(r.path("layout").path("slide").asString()).isNotEqualTo("0x0");
    // The report names the seed's source as the kernel's boot line does.
    assertThat(CaptureCli.consoleMatches(capture, SEED_SOURCE))
        .singleElement()
        .extracting(m -> m.group(1))
        .isEqualTo(r.path("layout").path("seed_source").asString());
    return r;
  }
}
