package dev.uniscope.flamegraph.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.color.ColorScheme;
import dev.uniscope.flamegraph.color.DiffColor;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DifferentialTest {
  static StackTree profile(Object... stackAndCount) {
    StackTreeBuilder b = new StackTreeBuilder();
    for (int i = 0; i < stackAndCount.length; i += 2) {
      b.add(List.of(((String) stackAndCount[i]).split(";")), (Integer) stackAndCount[i + 1]);
    }
    return b.build();
  }

  @Test
  void widthsComeFromTheSecondProfileAndMissingStacksAreZero() {
    StackTree before = profile("m;a", 10, "m;gone", 5);
    StackTree after = profile("m;a", 20, "m;new", 7);
    StackTree d = Differential.compare(before, after, false);
    assertThat(d.totalSamples()).isEqualTo(27);
    assertThat(d.baselineTotal(0)).isEqualTo(15);
    int m = d.child(0, 0);
    // children sorted: a, gone, new
    assertThat(d.name(d.child(m, 1))).isEqualTo("gone");
    assertThat(d.total(d.child(m, 1))).isZero();
    assertThat(d.baselineTotal(d.child(m, 1))).isEqualTo(5);
    assertThat(d.total(d.child(m, 2))).isEqualTo(7);
  }

  @Test
  void normalizeScalesTheFirstProfileToTheSecondTotal() {
    StackTree before = profile("m;a", 10, "m;b", 10);
    StackTree after = profile("m;a", 40, "m;b", 40);
    StackTree d = Differential.compare(before, after, true);
    assertThat(d.baselineTotal(0)).isEqualTo(80);
    ColorScheme.Differential c = ColorScheme.Differential.of(d, false);
    int m = d.child(0, 0);
    assertThat(c.rgb(d, d.child(m, 0))).isEqualTo(0xffffff);
  }

  @Test
  void colourScaleMatchesFlamegraphPl() {
    assertThat(DiffColor.rgb(0, 10, false)).isEqualTo(0xffffff);
    assertThat(DiffColor.rgb(10, 10, false)).isEqualTo(0xff0000);
    assertThat(DiffColor.rgb(-10, 10, false)).isEqualTo(0x0000ff);
    assertThat(DiffColor.rgb(5, 10, false)).isEqualTo(0xff6969); // 210 * 5 / 10 = 105
    assertThat(DiffColor.rgb(5, 10, true)).isEqualTo(0x6969ff);
  }
}
