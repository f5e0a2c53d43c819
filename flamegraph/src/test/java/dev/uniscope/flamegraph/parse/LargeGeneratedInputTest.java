package dev.uniscope.flamegraph.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.bench.SyntheticPerfScript;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A large generated perf script input checked line by line against the folded-format rules. */
class LargeGeneratedInputTest {
  private static final Pattern FOLDED_LINE = Pattern.compile("[^; ][^;]*(;[^;]+)* [1-9][0-9]*");

  @Test
  void generatedInputFollowsTheFoldedRules() throws IOException {
    ByteArrayOutputStream gen = new ByteArrayOutputStream();
    SyntheticPerfScript.write(gen, 24L << 20, 7);
    byte[] perf = gen.toByteArray();

    // Expected by the rules, independently: every sample has one event (cpu-clock:pppH), so the
    // total is the sum of the periods, and there is one blank line per sample.
    long periods = 0;
    long samples = 0;
    for (String line : new String(perf, StandardCharsets.UTF_8).split("\n")) {
      if (line.endsWith(" cpu-clock:pppH: ")) {
        String[] tok = line.trim().split("\\s+");
        periods += Long.parseLong(tok[tok.length - 2]);
        samples++;
      }
    }
    List<InputProblem> problems = new ArrayList<>();
    StackTreeBuilder b = new StackTreeBuilder();
    PerfScriptCollapser c = new PerfScriptCollapser(CollapseOptions.defaults(), b, problems::add);
    c.parse(new ByteArrayInputStream(perf));
    StackTree t = b.build();
    assertThat(problems).isEmpty();
    assertThat(c.samples()).isEqualTo(samples);
    assertThat(t.totalSamples()).isEqualTo(periods);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedWriter.write(t, out);
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    Set<String> roots = Set.of("myapp", "worker_thread", "kworker/0:1", "swapper");
    long sum = 0;
    byte[] previous = null;
    for (String line : lines) {
      assertThat(line).matches(FOLDED_LINE);
      String stack = line.substring(0, line.lastIndexOf(' '));
      String[] frames = stack.split(";");
      assertThat(roots).contains(frames[0]);
      // Offsets are stripped; every stack ends in the caller-most frame perf printed last.
      assertThat(stack).doesNotContain("+0x");
      assertThat(frames[1]).isEqualTo("[unknown]");
      byte[] key = stack.getBytes(StandardCharsets.UTF_8);
      if (previous != null) {
        assertThat(Arrays.compareUnsigned(previous, key)).isNegative();
      }
      previous = key;
      sum += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
    }
    assertThat(sum).isEqualTo(periods);

    // And folded -> tree -> folded is the identity on it.
    StackTree again =
        FoldedParser.parse(
            new ByteArrayInputStream(out.toByteArray()), OnMalformed.REJECT, p -> {});
    ByteArrayOutputStream out2 = new ByteArrayOutputStream();
    FoldedWriter.write(again, out2);
    assertThat(out2.toByteArray()).isEqualTo(out.toByteArray());
  }
}
