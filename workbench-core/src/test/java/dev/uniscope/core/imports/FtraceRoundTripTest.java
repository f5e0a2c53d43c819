package dev.uniscope.core.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.TraceEvent;
import dev.uniscope.core.export.FtraceExporter;
import dev.uniscope.core.export.FtraceFormat;
import dev.uniscope.core.export.SampleTraces;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FtraceRoundTripTest {
  static String export(EventLog log, FunctionTable fn, FtraceFormat f, boolean ns) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FtraceExporter.write(log, fn, f, ns, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  static EventLog importText(String text, FunctionTable fn, ImportOptions o) {
    EventLog log = new EventLog();
    FtraceTextImporter.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), log, fn, o);
    return log;
  }

  static String resource(String name) throws IOException {
    try (InputStream in = FtraceRoundTripTest.class.getResourceAsStream("/export/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The events a text format preserves: no names or task statements, no samples. */
  static List<TraceEvent> payload(EventLog log) {
    return log.events().stream()
        .filter(
            e ->
                !(e instanceof TraceEvent.ThreadName)
                    && !(e instanceof TraceEvent.CurrentTask)
                    && !(e instanceof TraceEvent.Sample))
        .toList();
  }

  @ParameterizedTest
  @EnumSource(FtraceFormat.class)
  void exportImportExportIsIdentical(FtraceFormat format) {
    String first = export(SampleTraces.capture(), SampleTraces.FUNCTIONS, format, false);
    FunctionTable fn = new FunctionTable();
    String second = export(importText(first, fn, ImportOptions.strict()), fn, format, false);
    assertThat(second).isEqualTo(first);
  }

  @ParameterizedTest
  @EnumSource(FtraceFormat.class)
  void eventsSurviveTextWithNanosecondTimestamps(FtraceFormat format) {
    EventLog original = SampleTraces.capture();
    String text = export(original, SampleTraces.FUNCTIONS, format, true);
    FunctionTable fn = new FunctionTable();
    List<TraceEvent> back = payload(importText(text, fn, ImportOptions.strict()));
    assertThat(back).hasSize(payload(original).size());
    assertThat(back.stream().map(e -> e.getClass().getSimpleName() + "@" + e.ts() + "/" + e.cpu()))
        .containsExactlyElementsOf(
            payload(original).stream()
                .map(e -> e.getClass().getSimpleName() + "@" + e.ts() + "/" + e.cpu())
                .toList());
  }

  @Test
  void linuxFunctionTraceImportsAndReExportsNormalized() throws IOException {
    FunctionTable fn = new FunctionTable();
    EventLog log = importText(resource("linux-function.txt"), fn, ImportOptions.strict());
    assertThat(export(log, fn, FtraceFormat.FUNCTION, false))
        .isEqualTo(resource("linux-function.normalized.txt"));
  }

  @Test
  void linuxFunctionGraphTraceImportsAndReExportsNormalized() throws IOException {
    FunctionTable fn = new FunctionTable();
    EventLog log = importText(resource("linux-graph.txt"), fn, ImportOptions.strict());
    assertThat(export(log, fn, FtraceFormat.FUNCTION_GRAPH, false))
        .isEqualTo(resource("linux-graph.normalized.txt"));
  }
}
