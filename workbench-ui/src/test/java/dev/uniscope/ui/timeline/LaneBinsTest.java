package dev.uniscope.ui.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.SchedState;
import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.core.analysis.timeline.Timeline;
import org.junit.jupiter.api.Test;

class LaneBinsTest {
  @Test
  void wideSpansAreBlocksNarrowOnesAreColumns() {
    Timeline t = new Timeline();
    // Thread 7 runs 0..500 us, then 10 000 one-microsecond slices alternate 8 and idle.
    t.schedSwitch(0, 0, 0, SchedState.RUNNABLE, 0, 7, 0);
    t.schedSwitch(500_000, 0, 7, SchedState.BLOCKED, 0, 0, 0);
    long ts = 500_000;
    for (int i = 0; i < 10_000; i++) {
      t.schedSwitch(ts += 1_000, 0, 0, SchedState.RUNNABLE, 0, 8, 0);
      t.schedSwitch(ts += 1_000, 0, 8, SchedState.RUNNABLE, 0, 0, 0);
    }
    Spans s = t.cpuSlices(0);
    assertThat(s.size()).isGreaterThan(20_000);
    LaneBins bins = LaneBins.of(s, 0, ts, 1000, 0);
    // One block for thread 7 (about 24 px); the 10 000 slices of 8 fold into columns.
    assertThat(bins.blocks()).hasSize(1);
    assertThat(bins.blocks().getFirst().key()).isEqualTo(7);
    int right = 900;
    assertThat(bins.busy()[right]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.1));
    assertThat(bins.key()[right]).isEqualTo(8);
    assertThat(bins.busy()[5]).as("covered by the block, not a column").isZero();
  }

  @Test
  void zoomedInEverySpanIsABlockAndIdleIsSkipped() {
    Timeline t = new Timeline();
    t.schedSwitch(0, 0, 0, SchedState.RUNNABLE, 0, 3, 0);
    t.schedSwitch(100, 0, 3, SchedState.RUNNABLE, 0, 0, 0);
    t.schedSwitch(200, 0, 0, SchedState.RUNNABLE, 0, 4, 0);
    t.schedSwitch(300, 0, 4, SchedState.RUNNABLE, 0, 0, 0);
    LaneBins bins = LaneBins.of(t.cpuSlices(0), 50, 250, 200, 0);
    assertThat(bins.blocks()).extracting(LaneBins.Block::key).containsExactly(3L, 4L);
    assertThat(bins.blocks().getFirst().x0()).isZero();
    assertThat(bins.blocks().getFirst().x1()).isEqualTo(50.0);
    assertThat(LaneBins.of(t.cpuSlices(1), 0, 100, 10, 0).blocks()).isEmpty();
  }
}
