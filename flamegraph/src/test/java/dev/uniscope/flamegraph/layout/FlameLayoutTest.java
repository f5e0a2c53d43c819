package dev.uniscope.flamegraph.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.color.ColorScheme;
import dev.uniscope.flamegraph.color.Palette;
import dev.uniscope.flamegraph.model.FrameTable;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlameLayoutTest {

  @Test
  void zoomDrawsAncestorsFullWidthAndTheFocusSubtreeScaled() {
    StackTreeBuilder b = new StackTreeBuilder();
    b.add(List.of("main", "work", "leaf1"), 30);
    b.add(List.of("main", "work", "leaf2"), 10);
    b.add(List.of("main", "idle"), 60);
    StackTree t = b.build();
    int main = t.child(0, 0);
    int work = t.child(main, 1); // children sorted: idle, work
    assertThat(t.name(work)).isEqualTo("work");
    Layout l = new FlameLayout(t, new ColorScheme.ByName(Palette.HOT)).layout(work, 400, 1);
    assertThat(l.total()).isEqualTo(40);
    assertThat(l.rects())
        .extracting(FrameRect::label)
        .containsExactly("all", "main", "work", "leaf1", "leaf2");
    assertThat(l.rects()).allMatch(r -> r.x() >= 0 && r.x() + r.width() <= 400 + 1e-9);
    FrameRect leaf1 = l.rects().get(3);
    assertThat(leaf1.width()).isEqualTo(300.0);
    assertThat(leaf1.depth()).isEqualTo(3);
    assertThat(l.at(350, 3).label()).isEqualTo("leaf2");
  }

  @Test
  void levelOfDetailKeepsAMillionNodeTreeToWhatIsVisible() {
    FrameTable frames = new FrameTable();
    StackTreeBuilder b = new StackTreeBuilder(frames, false);
    int[] path = new int[4];
    int id = 0;
    // 1,000,000 leaves under 1,000 parents, plus one hot path.
    for (int p = 0; p < 1000; p++) {
      path[0] = frames.intern("root");
      path[1] = frames.intern("p" + p);
      for (int c = 0; c < 1000; c++) {
        path[2] = frames.intern("c" + (id++ % 5000));
        path[3] = frames.intern("leaf" + c);
        b.add(path, 4, 1);
      }
    }
    b.add(List.of("root", "hot"), 10_000_000);
    StackTree t = b.build();
    assertThat(t.size()).isGreaterThan(1_000_000);
    Layout l = new FlameLayout(t, new ColorScheme.ByName(Palette.HOT)).layout(0, 1200, 1.0);
    // Only frames at least one pixel wide: a handful, not a million.
    assertThat(l.rects().size()).isLessThan(2000);
    assertThat(l.pruned()).isGreaterThan(0);
  }
}
