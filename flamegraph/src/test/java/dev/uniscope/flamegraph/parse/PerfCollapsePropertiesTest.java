package dev.uniscope.flamegraph.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.model.StackTree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Collapsing generated perf script text conserves every sample's period on its stack. */
class PerfCollapsePropertiesTest {

  record Sample(String comm, List<String> leafFirst, long period) {}

  @Provide
  Arbitrary<List<Sample>> samples() {
    Arbitrary<String> comm = Arbitraries.of("app", "V8 Worker", "kworker/0:1", "sh");
    Arbitrary<String> sym =
        Arbitraries.of("main", "do_work", "memcpy", "__schedule", "foo_bar.isra.0", "x@plt");
    return Combinators.combine(
            comm, sym.list().ofMaxSize(10), Arbitraries.longs().between(1, 1_000_000))
        .as(Sample::new)
        .list()
        .ofMaxSize(50);
  }

  @Property
  void periodsAreConservedPerStack(@ForAll("samples") List<Sample> samples) throws IOException {
    StringBuilder perf = new StringBuilder("# header\n");
    Map<String, Long> expected = new HashMap<>();
    long ts = 1000;
    for (Sample s : samples) {
      perf.append(s.comm())
          .append("  4242/4243 [001] ")
          .append(ts++)
          .append(".000001:   ")
          .append(s.period())
          .append(" cpu-clock:pppH: \n");
      for (String f : s.leafFirst()) {
        perf.append("\t    7f00deadbeef ").append(f).append("+0x1f (/usr/lib/libx.so)\n");
      }
      perf.append('\n');
      List<String> stack = new ArrayList<>();
      stack.add(s.comm().replace(' ', '_'));
      for (int i = s.leafFirst().size() - 1; i >= 0; i--) {
        stack.add(s.leafFirst().get(i));
      }
      expected.merge(String.join(";", stack), s.period(), Long::sum);
    }
    List<InputProblem> problems = new ArrayList<>();
    StackTree t =
        PerfScriptCollapser.collapse(
            new ByteArrayInputStream(perf.toString().getBytes(StandardCharsets.UTF_8)),
            CollapseOptions.defaults(),
            problems::add);
    assertThat(problems).isEmpty();
    assertThat(t.totalSamples()).isEqualTo(samples.stream().mapToLong(Sample::period).sum());
    Map<String, Long> actual = new HashMap<>();
    t.forEachStack(
        (path, len, node, self, base) -> {
          StringBuilder k = new StringBuilder();
          for (int i = 0; i < len; i++) {
            if (i > 0) {
              k.append(';');
            }
            k.append(t.frames().name(path[i]));
          }
          actual.put(k.toString(), self);
        });
    assertThat(actual).isEqualTo(expected);
  }
}
