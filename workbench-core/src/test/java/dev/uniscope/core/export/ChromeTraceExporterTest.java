package dev.uniscope.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.core.imports.ChromeJsonImporter;
import dev.uniscope.core.imports.ImportOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class ChromeTraceExporterTest {
  static byte[] export(Timeline t, dev.uniscope.core.analysis.timeline.FunctionNames fn) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChromeTraceExporter.write(t, fn, out);
    return out.toByteArray();
  }

  static Timeline timelineOf(dev.uniscope.core.analysis.timeline.EventSource src) {
    Timeline t = new Timeline();
    src.replay(t);
    return t;
  }

  /** Closed spans as "start+duration key depth" for comparison across a round trip. */
  static List<String> closed(Spans s, boolean withKey) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      if (s.complete(i)) {
        out.add(
            s.start(i) + "+" + s.duration(i) + (withKey ? " " + s.key(i) : "") + " d" + s.depth(i));
      }
    }
    return out;
  }

  @Test
  void exportIsStructurallyValid() {
    byte[] json = export(timelineOf(SampleTraces.capture()), SampleTraces.FUNCTIONS);
    assertThat(ChromeTraceValidator.validate(json)).isEmpty();
  }

  @Test
  void timestampsAreExactMicrosecondsWithNanosecondFractions() {
    byte[] json = export(timelineOf(SampleTraces.capture()), SampleTraces.FUNCTIONS);
    JsonNode events = new ObjectMapper().readTree(json).get("traceEvents");
    JsonNode memcpy = null;
    for (JsonNode e : events) {
      if ("memcpy".equals(e.path("name").asString())) {
        memcpy = e;
      }
    }
    assertThat(memcpy).isNotNull();
    assertThat(memcpy.get("ph").asString()).isEqualTo("X");
    assertThat(memcpy.get("ts").decimalValue()).isEqualByComparingTo("1203004521.000");
    assertThat(memcpy.get("dur").decimalValue()).isEqualByComparingTo("0.345");
    assertThat(memcpy.get("pid").asInt()).isEqualTo(ChromeTraceExporter.PID_FUNCTIONS);
    assertThat(memcpy.path("args").path("tid").asInt()).isEqualTo(17);
  }

  @Test
  void reImportRebuildsTheSameTimeline() {
    Timeline original = timelineOf(SampleTraces.capture());
    byte[] json = export(original, SampleTraces.FUNCTIONS);
    Timeline back = new Timeline();
    FunctionTable fn = new FunctionTable();
    ChromeJsonImporter.read(new ByteArrayInputStream(json), back, fn, ImportOptions.strict());
    for (int cpu = 0; cpu < original.cpuCount(); cpu++) {
      assertThat(closed(back.cpuSlices(cpu), true))
          .isEqualTo(closed(original.cpuSlices(cpu), true));
      assertThat(closed(back.irqSpans(cpu), true)).isEqualTo(closed(original.irqSpans(cpu), true));
      assertThat(closed(back.graphSpans(cpu), true))
          .isEqualTo(closed(original.graphSpans(cpu), true));
    }
    assertThat(closed(back.markerSlices(), false))
        .isEqualTo(closed(original.markerSlices(), false));
    assertThat(back.instants().size()).isEqualTo(original.instants().size());
    assertThat(back.threadNames()).isEqualTo(original.threadNames());
    assertThat(fn.nameOf(SampleTraces.MEMCPY)).isEqualTo("memcpy");
    // Thread states come back from switches and wakeups.
    assertThat(closed(back.threadStates(18), true))
        .isEqualTo(closed(original.threadStates(18), true));
  }
}
