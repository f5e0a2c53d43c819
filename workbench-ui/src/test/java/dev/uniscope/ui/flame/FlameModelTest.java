package dev.uniscope.ui.flame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.layout.FrameRect;
import dev.uniscope.flamegraph.layout.Layout;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlameModelTest {
  /** spin's shape: burn_a 50, burn_b 30, burn_c 20 under the same five-deep chain. */
  private static StackTree spin() {
    StackTreeBuilder b = new StackTreeBuilder();
    List<String> chain = List.of("spin_worker", "spin_round", "spin_dispatch", "spin_phase");
    b.add(concat(chain, "burn_a"), 50);
    b.add(concat(chain, "burn_b"), 30);
    b.add(concat(chain, "burn_c"), 20);
    return b.build();
  }

  private static List<String> concat(List<String> a, String leaf) {
    var l = new java.util.ArrayList<>(a);
    l.add(leaf);
    return l;
  }

  @Test
  void searchCountsNestedMatchesOnce() {
    FlameModel m = new FlameModel(spin());
    assertThat(m.search("burn_[ab]")).isEqualTo(80.0);
    assertThat(m.search("spin_")).isEqualTo(100.0);
    assertThat(m.search("burn_a(")).as("an invalid regex is taken literally").isEqualTo(0.0);
    assertThat(m.search(" ")).isEqualTo(-1);
    assertThat(m.searching()).isFalse();
  }

  @Test
  void zoomScalesTheFocusToTheWidthAndHoverDescribes() {
    FlameModel m = new FlameModel(spin());
    Layout all = m.layout(1000);
    FrameRect b = all.rects().stream().filter(r -> r.label().equals("burn_b")).findFirst().get();
    assertThat(b.width()).isCloseTo(300, org.assertj.core.data.Offset.offset(1.0));
    m.zoom(b.node());
    FrameRect zoomed =
        m.layout(1000).rects().stream().filter(r -> r.node() == b.node()).findFirst().get();
    assertThat(zoomed.width()).isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
    assertThat(m.describe(zoomed)).isEqualTo("burn_b (30 samples, 30.00%, self 30)");
    m.resetZoom();
    assertThat(m.focus()).isZero();
    m.zoom(-5);
    assertThat(m.focus()).isZero();
  }
}
