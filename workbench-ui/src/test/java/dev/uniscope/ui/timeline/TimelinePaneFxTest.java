package dev.uniscope.ui.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.SchedState;
import dev.uniscope.core.analysis.timeline.Timeline;
import dev.uniscope.ui.FxThread;
import javafx.scene.Scene;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The timeline pane on a real FX toolkit: hovering a CPU lane names the running thread. */
class TimelinePaneFxTest {
  @BeforeAll
  static void toolkit() {
    FxThread.start();
  }

  @Test
  void hoverNamesTheThreadAndItsSlice() throws Exception {
    Timeline t = new Timeline();
    t.threadName(0, 0, 7, "worker\u001b[2J");
    t.schedSwitch(0, 0, 0, SchedState.RUNNABLE, 0, 7, 0);
    t.schedSwitch(8_000_000, 0, 7, SchedState.BLOCKED, 0, 0, 0);
    t.schedSwitch(10_000_000, 0, 0, SchedState.RUNNABLE, 0, 7, 0);
    t.schedSwitch(10_000_001, 1, 0, SchedState.RUNNABLE, 0, 0, 0);
    TimelineSnapshot snap = TimelineSnapshot.of(t);
    FxThread.run(
        () -> {
          TimelinePane pane = new TimelinePane();
          new Scene(pane, 900, 300);
          pane.applyCss();
          pane.layout();
          pane.show(snap);
          // CPU 0 is the first lane (no markers): 20 px axis + 4 px, lane 30 px tall.
          FxThread.mouse(
              pane.canvas(), MouseEvent.MOUSE_MOVED, 64 + 100, 24 + 10, MouseButton.NONE);
          assertThat(pane.detailsText())
              .contains("CPU 0: worker\uFFFD[2J (tid 7) for 8.000 ms")
              .doesNotContain("\u001b");
          FxThread.mouse(pane.canvas(), MouseEvent.MOUSE_MOVED, 10, 34, MouseButton.NONE);
          assertThat(pane.detailsText()).isBlank();
        });
  }
}
