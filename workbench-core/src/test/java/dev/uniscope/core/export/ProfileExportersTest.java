package dev.uniscope.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.Timeline;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class ProfileExportersTest {
  static final FunctionTable FN = new FunctionTable();
  static final long MAIN = 0x1000;
  static final long LOOP = 0x2000;
  static final long LEAF_A = 0x3000;
  static final long LEAF_B = 0x4000;

  static {
    FN.define(MAIN, "main");
    FN.define(LOOP, "loop");
    FN.define(LEAF_A, "leaf_a");
    FN.define(LEAF_B, "leaf;b"); // ';' must not split a folded frame
  }

  /** 3 x main>loop>leaf_a and 1 x main>loop>leaf;b on tid 5, 1 x main on tid 6, 1 idle. */
  static StackSamples samples() {
    StackSamples s = new StackSamples();
    s.threadName(0, 0, 5, "app");
    long[] a = {LEAF_A, LOOP, MAIN};
    long[] b = {LEAF_B, LOOP, MAIN};
    s.sample(1000, 0, 5, false, a, 3);
    s.sample(2000, 0, 5, false, a, 3);
    s.sample(3000, 1, 6, false, new long[] {MAIN}, 1);
    s.sample(4000, 0, 5, false, b, 3);
    s.sample(5000, 0, 5, false, a, 3);
    s.sample(6000, 1, 0, true, new long[] {0x9999}, 1);
    return s;
  }

  private static final long ORIGIN = 1_790_000_000_000_000_000L; // 2026-09 in Unix ns

  @Test
  void foldedGoesThroughTheFlamegraphWriter() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedExporter.write(samples(), FN, false, out);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("app;main;loop;leaf:b 1\napp;main;loop;leaf_a 3\ntid 6;main 1\n");
  }

  @Test
  void pprofDecodesWithAnIndependentReader() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PprofExporter.write(samples(), FN, 10_000_000L, ORIGIN, false, out);
    Map<Integer, List<Object>> p = pprof(out);
    List<String> strings = new ArrayList<>();
    for (Object o : p.get(6)) {
      strings.add(new String((byte[]) o, StandardCharsets.UTF_8));
    }
    assertThat(strings.getFirst()).isEmpty();
    List<String> types = new ArrayList<>();
    for (var vt : ProtoReader.messages(p, 1)) {
      types.add(
          strings.get((int) ProtoReader.one(vt, 1))
              + "/"
              + strings.get((int) ProtoReader.one(vt, 2)));
    }
    assertThat(types).containsExactly("samples/count", "cpu/nanoseconds");
    Map<Long, String> functionNames = new HashMap<>();
    for (var f : ProtoReader.messages(p, 5)) {
      functionNames.put(ProtoReader.one(f, 1), strings.get((int) ProtoReader.one(f, 2)));
    }
    Map<Long, String> locationNames = new HashMap<>();
    Map<Long, Long> locationAddress = new HashMap<>();
    for (var l : ProtoReader.messages(p, 4)) {
      var line = ProtoReader.messages(l, 4).getFirst();
      locationNames.put(ProtoReader.one(l, 1), functionNames.get(ProtoReader.one(line, 1)));
      locationAddress.put(ProtoReader.one(l, 1), ProtoReader.one(l, 3));
      assertThat(ProtoReader.one(l, 2)).isEqualTo(1); // mapping id
    }
    assertThat(ProtoReader.messages(p, 3)).hasSize(1);
    Map<String, Long> counts = new TreeMap<>();
    for (var s : ProtoReader.messages(p, 2)) {
      List<String> names = new ArrayList<>();
      for (long id : ProtoReader.longs(s, 1)) {
        names.add(locationNames.get(id));
      }
      List<Long> values = ProtoReader.longs(s, 2);
      assertThat(values.get(1)).isEqualTo(values.get(0) * 10_000_000L);
      var label = ProtoReader.messages(s, 3).getFirst();
      assertThat(strings.get((int) ProtoReader.one(label, 1))).isEqualTo("tid");
      counts.merge(
          String.join("<", names) + " tid" + ProtoReader.one(label, 3), values.get(0), Long::sum);
    }
    // Leaf first, as profile.proto requires; identical stacks merged.
    assertThat(counts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "leaf_a<loop<main tid5", 3L,
                "leaf;b<loop<main tid5", 1L,
                "main tid6", 1L));
    assertThat(locationAddress.values()).contains(MAIN, LOOP, LEAF_A, LEAF_B);
    assertThat(ProtoReader.one(p, 9)).isEqualTo(ORIGIN + 1000); // time_nanos: Unix time
    assertThat(ProtoReader.one(p, 10)).isEqualTo(4000); // duration_nanos
    assertThat(ProtoReader.one(p, 12)).isEqualTo(10_000_000L); // period
  }

  @Test
  void pprofLeavesTimeOutWhenTheClockOriginIsUnknown() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PprofExporter.write(samples(), FN, 10_000_000L, false, out);
    Map<Integer, List<Object>> p = pprof(out);
    assertThat(p).doesNotContainKey(9); // a boot-relative time would read as 1970
    assertThat(ProtoReader.one(p, 10)).isEqualTo(4000);
  }

  @Test
  void pprofWritesStacksUpToTheStoreDepthLimit() throws Exception {
    StackSamples s = new StackSamples();
    long[] deep = new long[1000];
    for (int i = 0; i < deep.length; i++) {
      deep[i] = MAIN + 16L * i;
    }
    s.sample(1000, 0, 5, false, deep, deep.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PprofExporter.write(s, FN, 0, false, out);
    var sample = ProtoReader.messages(pprof(out), 2).getFirst();
    assertThat(ProtoReader.longs(sample, 1)).hasSize(StackSamples.MAX_DEPTH);
  }

  private static Map<Integer, List<Object>> pprof(ByteArrayOutputStream out) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      return ProtoReader.decode(in.readAllBytes());
    }
  }

  @Test
  void speedscopeSampledProfilesPerThreadRootFirst() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SpeedscopeExporter.writeSampled(samples(), FN, false, out);
    JsonNode root = new ObjectMapper().readTree(out.toByteArray());
    assertThat(root.get("$schema").asString())
        .isEqualTo("https://www.speedscope.app/file-format-schema.json");
    List<String> frames = new ArrayList<>();
    root.get("shared").get("frames").forEach(f -> frames.add(f.get("name").asString()));
    JsonNode profiles = root.get("profiles");
    assertThat(profiles).hasSize(2);
    JsonNode app = profiles.get(0);
    assertThat(app.get("type").asString()).isEqualTo("sampled");
    assertThat(app.get("name").asString()).isEqualTo("app (5)");
    assertThat(app.get("samples")).hasSize(4);
    assertThat(app.get("weights")).hasSize(4);
    assertThat(app.get("endValue").asLong()).isEqualTo(4);
    JsonNode first = app.get("samples").get(0);
    assertThat(frames.get(first.get(0).asInt())).isEqualTo("main");
    assertThat(frames.get(first.get(2).asInt())).isEqualTo("leaf_a");
  }

  @Test
  void speedscopeEventedFromGraphSpansIsBalancedAndOrdered() {
    Timeline t = new Timeline();
    t.graphEntry(100, 0, MAIN, 0);
    t.graphEntry(110, 0, LOOP, 1);
    t.graphExit(150, 0, LOOP, 1, 40);
    t.graphEntry(160, 0, LEAF_A, 1); // never returns: closed at the end
    t.graphExit(170, 0, MAIN, 0, 70);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SpeedscopeExporter.writeEvented(t, FN, out);
    JsonNode root = new ObjectMapper().readTree(out.toByteArray());
    List<String> frames = new ArrayList<>();
    root.get("shared").get("frames").forEach(f -> frames.add(f.get("name").asString()));
    JsonNode p = root.get("profiles").get(0);
    assertThat(p.get("type").asString()).isEqualTo("evented");
    assertThat(p.get("unit").asString()).isEqualTo("nanoseconds");
    List<String> ev = new ArrayList<>();
    p.get("events")
        .forEach(
            e ->
                ev.add(
                    e.get("type").asString()
                        + " "
                        + frames.get(e.get("frame").asInt())
                        + " "
                        + e.get("at").asLong()));
    assertThat(ev)
        .containsExactly(
            "O main 100", "O loop 110", "C loop 150", "O leaf_a 160", "C leaf_a 170", "C main 170");
    assertThat(p.get("startValue").asLong()).isEqualTo(100);
    assertThat(p.get("endValue").asLong()).isEqualTo(170);
  }
}
