package dev.uniscope.flamegraph.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.color.ColorScheme;
import dev.uniscope.flamegraph.color.Palette;
import dev.uniscope.flamegraph.diff.Differential;
import dev.uniscope.flamegraph.layout.FlameLayout;
import dev.uniscope.flamegraph.layout.FrameRect;
import dev.uniscope.flamegraph.layout.Layout;
import dev.uniscope.flamegraph.parse.FoldedParser;
import dev.uniscope.flamegraph.parse.FoldedWriter;
import dev.uniscope.flamegraph.parse.OnMalformed;
import dev.uniscope.flamegraph.transform.Merge;
import dev.uniscope.flamegraph.transform.StackTransform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Conservation and geometry properties over random profiles. */
class StackTreePropertiesTest {

  record Sample(List<String> frames, long count) {}

  @Provide
  Arbitrary<List<Sample>> profiles() {
    Arbitrary<String> frame =
        Arbitraries.of("a", "b", "c", "main", "a b", "<script>alert(1)</script>", "x&y", "f\"q");
    Arbitrary<Sample> sample =
        Combinators.combine(
                frame.list().ofMinSize(1).ofMaxSize(8), Arbitraries.longs().between(0, 1000))
            .as(Sample::new);
    return sample.list().ofMinSize(1).ofMaxSize(40);
  }

  static StackTree tree(List<Sample> samples) {
    StackTreeBuilder b = new StackTreeBuilder();
    for (Sample s : samples) {
      b.add(s.frames(), s.count());
    }
    return b.build();
  }

  static long sum(List<Sample> samples) {
    return samples.stream().mapToLong(Sample::count).sum();
  }

  @Property
  void totalIsTheSumOfCounts(@ForAll("profiles") List<Sample> samples) {
    StackTree t = tree(samples);
    assertThat(t.totalSamples()).isEqualTo(sum(samples));
    for (int n = 0; n < t.size(); n++) {
      long kids = 0;
      for (int i = 0; i < t.childCount(n); i++) {
        kids += t.total(t.child(n, i));
      }
      assertThat(t.total(n)).isEqualTo(t.self(n) + kids);
    }
  }

  @Property
  void foldedRoundTripConservesEveryStack(@ForAll("profiles") List<Sample> samples)
      throws IOException {
    StackTree t = tree(samples);
    String folded = write(t);
    StackTree back =
        FoldedParser.parse(
            new ByteArrayInputStream(folded.getBytes(StandardCharsets.UTF_8)),
            OnMalformed.REJECT,
            p -> {});
    assertThat(back.totalSamples()).isEqualTo(t.totalSamples());
    assertThat(write(back)).isEqualTo(folded);
    Map<String, Long> expected = new HashMap<>();
    for (Sample s : samples) {
      expected.merge(String.join(";", s.frames()), s.count(), Long::sum);
    }
    Map<String, Long> actual = new HashMap<>();
    for (String line : folded.split("\n")) {
      int sp = line.lastIndexOf(' ');
      actual.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Property
  void mergeAddsTotals(@ForAll("profiles") List<Sample> a, @ForAll("profiles") List<Sample> b) {
    assertThat(Merge.of(tree(a), tree(b)).totalSamples()).isEqualTo(sum(a) + sum(b));
  }

  @Property
  void diffKeepsBothProfilesTotals(
      @ForAll("profiles") List<Sample> before, @ForAll("profiles") List<Sample> after) {
    StackTree d = Differential.compare(tree(before), tree(after), false);
    assertThat(d.isDifferential()).isTrue();
    assertThat(d.totalSamples()).isEqualTo(sum(after));
    assertThat(d.baselineTotal(0)).isEqualTo(sum(before));
  }

  @Property
  void filtersPartitionAndRewritesConserve(@ForAll("profiles") List<Sample> samples) {
    StackTree t = tree(samples);
    Pattern p = Pattern.compile("^a");
    long in = new StackTransform.Include(p).apply(t).totalSamples();
    long out = new StackTransform.Exclude(p).apply(t).totalSamples();
    assertThat(in + out).isEqualTo(t.totalSamples());
    assertThat(new StackTransform.Focus(p).apply(t).totalSamples()).isEqualTo(in);
    assertThat(new StackTransform.Invert().apply(t).totalSamples()).isEqualTo(t.totalSamples());
    assertThat(new StackTransform.CollapseRecursion().apply(t).totalSamples())
        .isEqualTo(t.totalSamples());
    assertThat(new StackTransform.Elide(p).apply(t).totalSamples()).isEqualTo(t.totalSamples());
  }

  @Property
  void collapsedRecursionHasNoRepeatedParentChild(@ForAll("profiles") List<Sample> samples) {
    StackTree t = new StackTransform.CollapseRecursion().apply(tree(samples));
    for (int n = 1; n < t.size(); n++) {
      assertThat(t.frame(n)).isNotEqualTo(t.frame(t.parent(n)));
    }
  }

  @Property
  void childrenAreNeverWiderThanParents(@ForAll("profiles") List<Sample> samples) {
    StackTree t = tree(samples);
    Layout l = new FlameLayout(t, new ColorScheme.ByName(Palette.HOT)).layout(0, 1000, 0.1);
    Map<Integer, FrameRect> byNode = new HashMap<>();
    for (FrameRect r : l.rects()) {
      byNode.put(r.node(), r);
    }
    for (FrameRect r : l.rects()) {
      if (r.node() == 0) {
        continue;
      }
      FrameRect parent = byNode.get(t.parent(r.node()));
      assertThat(parent).isNotNull();
      assertThat(r.width()).isLessThanOrEqualTo(parent.width() + 1e-9);
      assertThat(r.x()).isGreaterThanOrEqualTo(parent.x() - 1e-9);
      assertThat(r.x() + r.width()).isLessThanOrEqualTo(parent.x() + parent.width() + 1e-6);
      assertThat(r.depth()).isEqualTo(parent.depth() + 1);
    }
  }

  static String write(StackTree t) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FoldedWriter.write(t, out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
