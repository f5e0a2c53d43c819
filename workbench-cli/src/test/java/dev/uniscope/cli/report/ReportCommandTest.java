package dev.uniscope.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.core.report.HtmlReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream oldErr;
  private PrintStream oldOut;

  @BeforeEach
  void capture() {
    oldErr = System.err;
    oldOut = System.out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(oldErr);
    System.setOut(oldOut);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private int report(Path capture, String... more) {
    String[] args = new String[more.length + 2];
    args[0] = "report";
    args[1] = capture.toString();
    System.arraycopy(more, 0, args, 2, more.length);
    return UniscopeCommand.execute(args);
  }

  @Test
  void writesJsonAndHtmlAndPassesWithoutGates() throws Exception {
    Path c = CaptureFixture.write(dir.resolve("c.uscope"), 50, 2, 0);
    Path json = dir.resolve("r.json");
    assertThat(report(c, "--json", json.toString(), "--html", dir.resolve("h").toString()))
        .isZero();
    JsonNode j = JsonMapper.builder().build().readTree(Files.readAllBytes(json));
    assertThat(j.path("version").asInt()).isEqualTo(1);
    assertThat(j.path("profile").path("samples").asLong()).isEqualTo(50);
    assertThat(j.path("leaks").path("leaks").asLong()).isEqualTo(2);
    assertThat(j.path("kernel").path("cmdline").asString()).isEqualTo("app=test <b>");
    assertThat(Files.readString(dir.resolve("h").resolve(HtmlReport.INDEX)))
        .contains("app=test &lt;b&gt;")
        .doesNotContain("<b>");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("profile   50 samples");
  }

  @Test
  void jsonToStandardOutputKeepsTheSummaryOnStandardError() throws Exception {
    Path c = CaptureFixture.write(dir.resolve("c.uscope"), 5, 0, 0);
    assertThat(report(c, "--json", "-")).isZero();
    JsonNode j = JsonMapper.builder().build().readTree(out.toByteArray());
    assertThat(j.path("schema").asString()).isEqualTo("uniscope-report");
    assertThat(err()).contains("events    ");
  }

  @Test
  void gatesFailWithTheirDocumentedExitCodes() throws Exception {
    Path leaky = CaptureFixture.write(dir.resolve("leaky.uscope"), 5, 3, 0);
    Path lossy = CaptureFixture.write(dir.resolve("lossy.uscope"), 5, 0, 4);
    Path noScan = CaptureFixture.write(dir.resolve("noscan.uscope"), 5, -1, 0);
    assertThat(report(leaky, "--fail-on", "leaks")).isEqualTo(5);
    assertThat(err()).contains("gate leaks failed: 3 leaked objects");
    assertThat(report(leaky, "--fail-on", "panic,lost-events")).isZero();
    assertThat(report(lossy, "--fail-on", "leaks,lost-events")).isEqualTo(6);
    assertThat(err()).contains("gate lost-events failed: 4 records dropped");
    assertThat(report(noScan, "--fail-on", "leaks")).isEqualTo(5);
    assertThat(err()).contains("no complete leak scan");
    // Several failing gates: the first in the documented order decides.
    Path both = CaptureFixture.write(dir.resolve("both.uscope"), 5, 1, 1);
    assertThat(report(both, "--fail-on", "lost-events,leaks")).isEqualTo(5);
  }

  @Test
  void badInputIsAUsageErrorNamingWhatIsWrong() throws Exception {
    Path c = CaptureFixture.write(dir.resolve("c.uscope"), 5, 0, 0);
    assertThat(report(c, "--fail-on", "leaks,bogus")).isEqualTo(2);
    assertThat(err()).contains("unknown gate 'bogus'");
    assertThat(report(dir.resolve("missing.uscope"))).isEqualTo(2);
    assertThat(err()).contains("no such capture file");
    assertThat(report(c, "--kernel", dir.resolve("no-such.elf").toString())).isEqualTo(2);
    assertThat(err()).contains("no such kernel ELF");
  }

  @Test
  void aCaptureThatIsNotACaptureFailsWithOneLine() throws Exception {
    Path junk = dir.resolve("junk.uscope");
    Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertThat(report(junk)).isEqualTo(1);
    assertThat(err()).startsWith("uniscope report: ");
  }
}
