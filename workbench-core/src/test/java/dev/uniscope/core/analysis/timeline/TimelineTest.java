package dev.uniscope.core.analysis.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  private static final int R = SchedState.RUNNABLE;
  private static final int S = SchedState.BLOCKED;

  /** Spans as "start-end:key@depth[flags]" strings, for compact hand-checked expectations. */
  private static List<String> show(Spans s) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      String f = s.flags(i) == 0 ? "" : "[" + s.flags(i) + "]";
      out.add(s.start(i) + "-" + s.end(i) + ":" + s.key(i) + "@" + s.depth(i) + f);
    }
    return out;
  }

  @Test
  void cpuSlicesFromSwitchesWithTruncatedStartAndOpenEnd() {
    Timeline t = new Timeline();
    t.irqEntry(100, 0, 32); // first event on cpu0: who runs is unknown until the first switch
    t.irqExit(110, 0, 32);
    t.schedSwitch(200, 0, 5, S, 120, 7, 120);
    t.schedSwitch(300, 0, 7, R, 120, 0, 120);
    t.irqEntry(350, 0, 33);

    assertThat(show(t.cpuSlices(0)))
        .containsExactly(
            "100-200:5@0[" + Spans.START_MISSING + "]",
            "200-300:7@0",
            "300-350:0@0[" + Spans.END_MISSING + "]");
    assertThat(show(t.irqSpans(0)))
        .containsExactly("100-110:32@0", "350-350:33@0[" + Spans.END_MISSING + "]");
  }

  @Test
  void threadStatesAcrossCpusArriveOutOfGlobalOrder() {
    Timeline t = new Timeline();
    // cpu1's events are delivered before cpu0's, though cpu0's wakeup happens first.
    t.schedSwitch(150, 1, 0, R, 120, 9, 120); // tid 9 switched in on cpu1 at 150
    t.schedSwitch(400, 1, 9, S, 120, 0, 120); // and blocks at 400
    t.schedWakeup(100, 0, 9, 120, 1); // woken on cpu0 at 100
    t.schedWakeup(500, 0, 9, 120, 1);
    t.schedSwitch(520, 0, 0, R, 120, 9, 120);

    assertThat(show(t.threadStates(9)))
        .containsExactly(
            "100-150:" + ThreadState.RUNNABLE_WOKEN.ordinal() + "@0",
            "150-400:" + ThreadState.RUNNING.ordinal() + "@0",
            "400-500:" + ThreadState.BLOCKED.ordinal() + "@0",
            "500-520:" + ThreadState.RUNNABLE_WOKEN.ordinal() + "@0",
            "520-520:" + ThreadState.RUNNING.ordinal() + "@0[" + Spans.END_MISSING + "]");
  }

  @Test
  void wakeupOfRunningThreadIsIgnoredAndPreemptionIsNotWakeupLatency() {
    Timeline t = new Timeline();
    t.schedSwitch(10, 0, 0, R, 0, 4, 0);
    t.schedWakeup(15, 0, 4, 0, 0); // already running
    t.schedSwitch(20, 0, 4, R, 0, 0, 0); // preempted
    t.schedSwitch(30, 0, 0, R, 0, 4, 0);
    t.schedSwitch(40, 0, 4, S, 0, 0, 0);
    assertThat(show(t.threadStates(4)))
        .containsExactly(
            "10-20:" + ThreadState.RUNNING.ordinal() + "@0",
            "20-30:" + ThreadState.RUNNABLE_PREEMPTED.ordinal() + "@0",
            "30-40:" + ThreadState.RUNNING.ordinal() + "@0",
            "40-40:" + ThreadState.BLOCKED.ordinal() + "@0[" + Spans.END_MISSING + "]");
  }

  @Test
  void tasksStatedByTextLinesEndEachOthersRunningIntervals() {
    Timeline t = new Timeline();
    t.currentTask(10, 0, 5);
    t.currentTask(20, 0, 6);
    t.currentTask(30, 0, 5);
    t.irqEntry(40, 0, 1);
    int running = ThreadState.RUNNING.ordinal();
    assertThat(show(t.threadStates(5)))
        .containsExactly(
            "10-20:" + running + "@0", "30-40:" + running + "@0[" + Spans.END_MISSING + "]");
    assertThat(show(t.threadStates(6))).containsExactly("20-30:" + running + "@0");
    assertThat(show(t.cpuSlices(0)))
        .containsExactly(
            "10-20:5@0[" + Spans.INFERRED + "]",
            "20-30:6@0[" + Spans.INFERRED + "]",
            "30-40:5@0[" + (Spans.INFERRED | Spans.END_MISSING) + "]");
  }

  @Test
  void nestedIrqsAndUnmatchedExit() {
    Timeline t = new Timeline();
    t.irqExit(5, 0, 40); // its entry predates the capture
    t.irqEntry(10, 0, 32);
    t.irqEntry(12, 0, 40);
    t.irqExit(14, 0, 40);
    t.irqExit(20, 0, 32);
    t.irqEntry(30, 0, 32);
    t.irqEntry(31, 0, 41); // its exit is lost
    t.irqExit(35, 0, 32);
    assertThat(show(t.irqSpans(0)))
        .containsExactly(
            "5-5:40@0[" + Spans.START_MISSING + "]",
            "10-20:32@0",
            "12-14:40@1",
            "30-35:32@0",
            "31-35:41@1[" + Spans.END_MISSING + "]");
    assertThat(t.anomalies().unmatchedIrqExits()).isEqualTo(1);
  }

  @Test
  void functionGraphSpansCarryTheirThreadAndSurviveLostEntries() {
    Timeline t = new Timeline();
    t.graphExit(50, 0, 0xA0, 1, 30); // entry lost: start = 50 - 30
    t.schedSwitch(60, 0, 0, R, 0, 3, 0);
    t.graphEntry(70, 0, 0xB0, 0);
    t.graphEntry(71, 0, 0xC0, 1);
    t.graphExit(75, 0, 0xC0, 1, 4);
    t.graphExit(90, 0, 0xB0, 0, 20);
    t.graphEntry(95, 0, 0xD0, 0);
    Spans g = t.graphSpans(0);
    assertThat(show(g))
        .containsExactly(
            "20-50:160@1[" + Spans.START_FROM_DURATION + "]",
            "70-90:176@0",
            "71-75:192@1",
            "95-95:208@0[" + Spans.END_MISSING + "]");
    assertThat(g.tid(1)).isEqualTo(3);
    assertThat(show(t.graphSpansOfThread(3)))
        .containsExactly("70-90:176@0", "71-75:192@1", "95-95:208@0[" + Spans.END_MISSING + "]");
    assertThat(g.complete(0)).isTrue();
  }

  @Test
  void markersMatchPerThreadByNameAcrossCpus() {
    Timeline t = new Timeline();
    t.markerBegin(10, 0, 7, "frame");
    t.markerBegin(12, 0, 7, "draw");
    t.markerEnd(30, 1, 7, "frame"); // migrated to cpu1; draw's end lost
    t.markerEnd(40, 1, 7, "nothing-open");
    t.markerBegin(50, 1, 8, "io"); // never ends
    t.markerInstant(55, 1, 8, "tick");
    t.markerCounter(60, 1, 8, "queue", 3);
    t.markerCounter(58, 0, 8, "queue", 2);
    Spans m = t.markerSlices();
    List<String> named = new ArrayList<>();
    for (int i = 0; i < m.size(); i++) {
      named.add(
          m.tid(i)
              + ":"
              + t.name(m.key(i))
              + " "
              + m.start(i)
              + "-"
              + m.end(i)
              + " f"
              + m.flags(i));
    }
    assertThat(named)
        .containsExactly(
            "7:frame 10-30 f0",
            "7:draw 12-30 f" + Spans.END_MISSING,
            "7:nothing-open 40-40 f" + Spans.START_MISSING,
            "8:io 50-60 f" + Spans.END_MISSING);
    assertThat(t.anomalies().unmatchedMarkerEnds()).isEqualTo(1);
    CounterSeries q = t.counters().get(0);
    assertThat(q.name()).isEqualTo("queue");
    assertThat(q.ts()).containsExactly(58, 60);
    assertThat(q.values()).containsExactly(2, 3);
    Instants in = t.instants();
    assertThat(in.size()).isEqualTo(1);
    assertThat(in.kind(0)).isEqualTo(InstantKind.MARKER);
    assertThat(t.name(in.key(0))).isEqualTo("tick");
  }

  @Test
  void heapCounterFollowsAllocAndFreeAcrossCpus() {
    Timeline t = new Timeline();
    t.free(30, 1, 0x1000, 0);
    t.alloc(10, 0, 0x1000, 64, 0);
    t.alloc(20, 0, 0x2000, 16, 0);
    t.free(40, 1, 0x9999, 0); // unknown pointer: no change
    CounterSeries heap = t.counters().getLast();
    assertThat(heap.name()).isEqualTo(Timeline.HEAP_LIVE_BYTES);
    assertThat(heap.values()).containsExactly(64, 80, 16, 16);
  }

  @Test
  void listenersHearAppendedRangesAtFlush() {
    Timeline t = new Timeline();
    List<long[]> heard = new ArrayList<>();
    t.addListener((tl, from, to) -> heard.add(new long[] {from, to}));
    t.flush();
    t.irqEntry(10, 0, 1);
    t.irqEntry(5, 1, 1);
    t.flush();
    t.irqExit(20, 0, 1);
    t.flush();
    assertThat(heard).containsExactly(new long[] {5, 10}, new long[] {20, 20});
  }

  @Test
  void corruptInputIsCountedNotThrown() {
    Timeline t = new Timeline();
    t.irqEntry(10, -1, 1);
    t.irqEntry(10, 1_000_000, 1);
    t.irqEntry(10, 0, 1);
    t.irqEntry(5, 0, 2); // time went backwards on cpu0
    t.schedSwitch(20, 0, 99, R, 0, 1, 0);
    t.schedSwitch(30, 0, 42, R, 0, 2, 0); // prev is not who runs
    Anomalies a = t.anomalies();
    assertThat(a.badCpu()).isEqualTo(2);
    assertThat(a.timeWentBackwards()).isEqualTo(1);
    assertThat(a.switchPrevMismatches()).isEqualTo(1);
    assertThat(t.cpuSlices(5).size()).isZero();
    assertThat(t.cpuSlices(-3).size()).isZero();
  }
}
