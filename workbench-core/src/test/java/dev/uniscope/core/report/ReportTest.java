package dev.uniscope.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.imports.CaptureEvents;
import dev.uniscope.core.session.Scenario;
import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.session.ProblemLog;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportTest {
  @TempDir Path dir;

  /** Writes the scenario into a capture; {@code finish} false leaves it as a killed writer does. */
  static Path capture(Path file, boolean finish) throws Exception {
    Scenario s = new Scenario();
    LiveCapture c = LiveCapture.create(file, CaptureFormat.SOURCE_STREAM, new ProblemLog());
    c.frame(s.helloFrame());
    c.frame(s.metadataFrame());
    for (ByteBuffer f : s.pageFrames()) {
      c.frame(f);
    }
    c.flush();
    if (finish) {
      c.close();
    }
    return file;
  }

  private static final FunctionNames NAMES = Scenario::name;

  @Test
  void profileSharesAndStacksAreOfTheNonIdleSamples() throws Exception {
    try (CaptureData d = CaptureData.open(capture(dir.resolve("c"), true), null)) {
      ProfileAnalysis p = new ProfileAnalysis(NAMES);
      new CaptureEvents(d.session().store()).replay(p);
      ProfileAnalysis.Summary s = p.summary();
      assertThat(s.samples()).isEqualTo(100);
      assertThat(s.idleSamples()).isEqualTo(Scenario.IDLE_SAMPLES);
      assertThat(s.functions())
          .extracting(ProfileAnalysis.FunctionShare::name)
          .startsWith("burn_a", "burn_b", "burn_c");
      assertThat(s.functions().getFirst().selfPct()).isCloseTo(50.0, within(0.01));
      assertThat(s.functions())
          .filteredOn(f -> f.name().equals("spin_main"))
          .singleElement()
          .satisfies(f -> assertThat(f.totalPct()).isCloseTo(100.0, within(0.01)));
      assertThat(s.stacks().getFirst().frames()).containsExactly("spin_main", "burn_a");
      assertThat(s.tree().totalSamples()).isEqualTo(100);
    }
  }

  @Test
  void leaksComeFromTheNewestCompleteScanGroupedBySite() throws Exception {
    try (CaptureData d = CaptureData.open(capture(dir.resolve("c"), true), null)) {
      LeakAnalysis.Summary l = LeakAnalysis.analyze(d.session().store(), NAMES);
      assertThat(l.source()).isEqualTo("leak_scan");
      assertThat(l.scanId()).isEqualTo(1);
      assertThat(l.leaks()).isEqualTo(Scenario.SMALL_LEAKS + 1);
      assertThat(l.leakedBytes()).isEqualTo(Scenario.SMALL_LEAKS * 64L + 100000);
      assertThat(l.groups())
          .extracting(LeakAnalysis.LeakGroup::site, LeakAnalysis.LeakGroup::count)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("leak_big", 1L),
              org.assertj.core.groups.Tuple.tuple("leak_small", (long) Scenario.SMALL_LEAKS));
      assertThat(l.groups().get(1).sizes())
          .containsExactly(new LeakAnalysis.SizeCount(64, Scenario.SMALL_LEAKS));
      assertThat(l.outstandingObjects()).isEqualTo(Scenario.SMALL_LEAKS + 1);
    }
  }

  @Test
  void jsonFollowsTheSchemaAndCountsWhatWasLost() throws Exception {
    try (CaptureData d = CaptureData.open(capture(dir.resolve("c"), true), null)) {
      Report r = ReportBuilder.build(d, Optional.empty(), ReportBuilder.Progress.none());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ReportJson.write(r, out);
      JsonNode j = JsonMapper.builder().build().readTree(out.toByteArray());
      assertThat(j.path("schema").asString()).isEqualTo("uniscope-report");
      assertThat(j.path("version").asInt()).isEqualTo(Report.SCHEMA_VERSION);
      assertThat(j.path("kernel").path("build_id").asString()).isEqualTo("09080706");
      assertThat(j.path("kernel").path("symbolized").asBoolean()).isFalse();
      assertThat(j.path("events").path("lost_records").asLong()).isEqualTo(Scenario.LOST);
      assertThat(j.path("events").path("by_group").path("profile").asLong()).isEqualTo(107);
      assertThat(j.path("profile").path("samples").asLong()).isEqualTo(100);
      assertThat(j.path("leaks").path("leaks").asLong()).isEqualTo(17);
      assertThat(j.path("leaks").path("groups")).hasSize(2);
      assertThat(j.path("timeline").path("threads").get(0).path("name").asString())
          .isEqualTo(Scenario.THREAD);
      assertThat(j.path("run").isNull()).isTrue();
      assertThat(j.path("layout").isNull()).isTrue();
    }
  }

  @Test
  void htmlDirectoryIsSelfContainedAndEscapesGuestStrings() throws Exception {
    Path html = dir.resolve("report");
    try (CaptureData d = CaptureData.open(capture(dir.resolve("c"), true), null)) {
      HtmlReport.write(
          ReportBuilder.build(d, Optional.empty(), ReportBuilder.Progress.none()), html);
    }
    String index = Files.readString(html.resolve(HtmlReport.INDEX), StandardCharsets.UTF_8);
    assertThat(index).doesNotContain("<script>").contains("worker&lt;script&gt;");
    assertThat(index).contains("Leaks").contains("KASLR layout").contains("Timeline summary");
    for (String png : List.of(HtmlReport.HEAP_PNG, HtmlReport.RATE_PNG)) {
      byte[] b = Files.readAllBytes(html.resolve(png));
      assertThat(b).startsWith(0x89, 'P', 'N', 'G');
    }
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    assertThat(f.newDocumentBuilder().parse(html.resolve(HtmlReport.FLAME).toFile())).isNotNull();
  }

  @Test
  void aCaptureWhoseWriterWasKilledReopensWithEverythingWritten() throws Exception {
    Path c = capture(dir.resolve("killed"), false);
    // A torn last frame, as when the process dies mid-write.
    try (FileChannel ch =
        FileChannel.open(c, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xE1, (byte) 0xC3, (byte) 0xA5, (byte) 0xF7, 3}));
    }
    try (CaptureData d = CaptureData.open(c, null)) {
      assertThat(d.reader().footerRebuilt()).isTrue();
      Report r = ReportBuilder.build(d, Optional.empty(), ReportBuilder.Progress.none());
      assertThat(r.profile().samples()).isEqualTo(100);
      assertThat(r.leaks().leaks()).isEqualTo(17);
    }
  }
}
