package dev.uniscope.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.parse.FoldedParser;
import dev.uniscope.flamegraph.parse.OnMalformed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Random samples through folded, pprof and speedscope: every sample and stack is accounted for. */
class ProfileExportProperties {
  static final long[] IPS = {0x100, 0x200, 0x300, 0x400, 0x500, 0x600};

  static {
    for (int i = 0; i < IPS.length; i++) {
      RandomTraces.FUNCTIONS.define(IPS[i], "p" + i);
    }
  }

  /** Root-first stack names per sample, and the samples as a sink saw them. */
  record Input(StackSamples samples, Map<String, Long> expected) {}

  static Input input(long seed, int n) {
    Random r = new Random(seed);
    StackSamples s = new StackSamples();
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      int depth = 1 + r.nextInt(6);
      long[] stack = new long[depth];
      for (int k = 0; k < depth; k++) {
        stack[k] = IPS[r.nextInt(IPS.length)];
      }
      int tid = 1 + r.nextInt(3);
      boolean idle = r.nextInt(10) == 0;
      s.sample(1000L * i, r.nextInt(2), tid, idle, stack, depth);
      if (!idle) {
        List<String> names = new ArrayList<>();
        names.add("tid " + tid);
        for (int k = depth - 1; k >= 0; k--) {
          names.add(RandomTraces.FUNCTIONS.nameOf(stack[k]));
        }
        expected.merge(String.join(";", names), 1L, Long::sum);
      }
    }
    return new Input(s, expected);
  }

  @Property(tries = 50)
  void foldedParsesBackToTheSameCounts(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 500) int n) throws Exception {
    Input in = input(seed, n);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedExporter.write(in.samples(), RandomTraces.FUNCTIONS, false, out);
    StackTree tree =
        FoldedParser.parse(
            new ByteArrayInputStream(out.toByteArray()), OnMalformed.REJECT, p -> {});
    Map<String, Long> back = new TreeMap<>();
    tree.forEachStack(
        (frames, length, node, self, base) -> {
          List<String> names = new ArrayList<>();
          for (int i = 0; i < length; i++) {
            names.add(tree.frames().name(frames[i]));
          }
          if (self > 0) {
            back.merge(String.join(";", names), self, Long::sum);
          }
        });
    assertThat(back).isEqualTo(in.expected());
  }

  @Property(tries = 50)
  void pprofSamplesSumToTheInput(@ForAll long seed, @ForAll @IntRange(min = 0, max = 500) int n)
      throws Exception {
    Input in = input(seed, n);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PprofExporter.write(in.samples(), RandomTraces.FUNCTIONS, 0, false, out);
    byte[] raw;
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      raw = gz.readAllBytes();
    }
    var p = ProtoReader.decode(raw);
    List<String> strings = new ArrayList<>();
    for (Object o : p.getOrDefault(6, List.of())) {
      strings.add(new String((byte[]) o, StandardCharsets.UTF_8));
    }
    Map<Long, String> fnName = new HashMap<>();
    for (var f : ProtoReader.messages(p, 5)) {
      fnName.put(ProtoReader.one(f, 1), strings.get((int) ProtoReader.one(f, 2)));
    }
    Map<Long, String> locName = new HashMap<>();
    for (var l : ProtoReader.messages(p, 4)) {
      locName.put(
          ProtoReader.one(l, 1),
          fnName.get(ProtoReader.one(ProtoReader.messages(l, 4).getFirst(), 1)));
    }
    Map<String, Long> back = new TreeMap<>();
    for (var s : ProtoReader.messages(p, 2)) {
      List<String> names = new ArrayList<>();
      for (long id : ProtoReader.longs(s, 1)) {
        names.addFirst(locName.get(id));
      }
      names.addFirst("tid " + ProtoReader.one(ProtoReader.messages(s, 3).getFirst(), 3));
      back.merge(String.join(";", names), ProtoReader.longs(s, 2).getFirst(), Long::sum);
    }
    assertThat(back).isEqualTo(in.expected());
  }

  @Property(tries = 50)
  void speedscopeHoldsEverySample(@ForAll long seed, @ForAll @IntRange(min = 0, max = 500) int n) {
    Input in = input(seed, n);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SpeedscopeExporter.writeSampled(in.samples(), RandomTraces.FUNCTIONS, false, out);
    JsonNode root = new ObjectMapper().readTree(out.toByteArray());
    List<String> frames = new ArrayList<>();
    root.get("shared").get("frames").forEach(f -> frames.add(f.get("name").asString()));
    Map<String, Long> back = new TreeMap<>();
    for (JsonNode profile : root.get("profiles")) {
      String name = profile.get("name").asString();
      String tid = "tid " + name.substring(name.lastIndexOf('(') + 1, name.length() - 1);
      JsonNode samples = profile.get("samples");
      assertThat(profile.get("weights").size()).isEqualTo(samples.size());
      for (JsonNode stack : samples) {
        List<String> names = new ArrayList<>();
        names.add(tid);
        stack.forEach(i -> names.add(frames.get(i.asInt())));
        back.merge(String.join(";", names), 1L, Long::sum);
      }
    }
    assertThat(back).isEqualTo(in.expected());
  }
}
