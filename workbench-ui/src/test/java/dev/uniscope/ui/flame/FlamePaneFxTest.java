package dev.uniscope.ui.flame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.layout.FrameRect;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import dev.uniscope.ui.FxThread;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.input.MouseButton;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The flame-graph pane on a real FX toolkit (under the X display): hover, click to zoom, reset. */
class FlamePaneFxTest {
  @BeforeAll
  static void toolkit() {
    FxThread.start();
  }

  @Test
  void hoverDescribesAndClickZooms() throws Exception {
    StackTreeBuilder b = new StackTreeBuilder();
    b.add(List.of("main", "spin", "burn_a"), 50);
    b.add(List.of("main", "spin", "burn_b"), 30);
    b.add(List.of("main", "other"), 20);
    FxThread.run(
        () -> {
          FlamePane pane = new FlamePane();
          new Scene(pane, 800, 300);
          pane.applyCss();
          pane.layout();
          pane.show(b.build(), "test");
          double h = pane.canvas().getHeight();
          assertThat(pane.canvas().getWidth()).isGreaterThan(100);
          // burn_b sits on row 3 (all, main, spin, burn_*): find it in the model's layout.
          FrameRect burnB =
              pane.model().layout(pane.canvas().getWidth()).rects().stream()
                  .filter(r -> r.label().equals("burn_b"))
                  .findFirst()
                  .orElseThrow();
          double x = burnB.x() + burnB.width() / 2;
          double y = h - (burnB.depth() + 0.5) * FlamePane.ROW;
          FxThread.mouse(
              pane.canvas(), javafx.scene.input.MouseEvent.MOUSE_MOVED, x, y, MouseButton.NONE);
          assertThat(pane.detailsText()).isEqualTo("burn_b (30 samples, 30.00%, self 30)");
          FxThread.mouse(
              pane.canvas(),
              javafx.scene.input.MouseEvent.MOUSE_CLICKED,
              x,
              y,
              MouseButton.PRIMARY);
          assertThat(pane.model().focus()).isEqualTo(burnB.node());
          FxThread.mouse(
              pane.canvas(),
              javafx.scene.input.MouseEvent.MOUSE_CLICKED,
              x,
              y,
              MouseButton.SECONDARY);
          assertThat(pane.model().focus()).isZero();
        });
  }
}
