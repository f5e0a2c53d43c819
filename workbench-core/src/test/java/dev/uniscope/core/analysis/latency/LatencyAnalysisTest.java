package dev.uniscope.core.analysis.latency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.SchedState;
import dev.uniscope.core.analysis.timeline.Timeline;
import org.junit.jupiter.api.Test;

class LatencyAnalysisTest {
  @Test
  void functionsIrqsSchedulingAndMarkers() {
    FunctionTable fn = new FunctionTable();
    long work = fn.intern("work");
    long leaf = fn.intern("leaf");
    Timeline t = new Timeline();
    t.graphExit(5, 0, leaf, 1, 3); // entry lost, duration measured: counts
    t.graphEntry(10, 0, work, 0);
    t.graphEntry(11, 0, leaf, 1);
    t.graphExit(13, 0, leaf, 1, 2);
    t.graphExit(30, 0, work, 0, 20);
    t.graphEntry(40, 0, work, 0); // never returns: excluded
    t.irqEntry(50, 1, 32);
    t.irqExit(54, 1, 32);
    t.irqEntry(60, 1, 32);
    t.irqExit(70, 1, 32);
    t.schedWakeup(100, 1, 7, 120, 0);
    t.schedSwitch(103, 0, 0, SchedState.RUNNABLE, 120, 7, 120);
    t.schedSwitch(110, 0, 7, SchedState.RUNNABLE, 120, 0, 120); // preempted: not wakeup latency
    t.schedSwitch(120, 0, 0, SchedState.RUNNABLE, 120, 7, 120);
    t.markerBegin(200, 1, 7, "req");
    t.markerEnd(260, 1, 7, "req");

    LatencyReport r = LatencyAnalysis.analyze(t, fn);
    assertThat(r.functions()).extracting(LatencyRow::name).containsExactly("work", "leaf");
    assertThat(r.functions().get(0).stats())
        .isEqualTo(new LatencyStats(1, 20, 20, 20, 20, 20, 20, true));
    assertThat(r.functions().get(1).stats()).isEqualTo(new LatencyStats(2, 2, 2, 3, 3, 3, 5, true));
    assertThat(r.irqs())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.name()).isEqualTo("vector 32");
              assertThat(row.stats()).isEqualTo(new LatencyStats(2, 4, 4, 10, 10, 10, 14, true));
            });
    assertThat(r.scheduling()).isEqualTo(new LatencyStats(1, 3, 3, 3, 3, 3, 3, true));
    assertThat(r.markers())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.name()).isEqualTo("req");
              assertThat(row.stats().max()).isEqualTo(60);
            });
  }
}
