package dev.uniscope.core.analysis.latency;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.core.analysis.timeline.ThreadState;
import dev.uniscope.core.analysis.timeline.Timeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Computes {@link LatencyReport}s from a {@link Timeline}. Only spans whose both ends were captured
 * count (a call whose entry was lost still counts: its exit carries the measured duration); spans
 * cut by the capture's edges would bias the statistics low.
 */
public final class LatencyAnalysis {
  private LatencyAnalysis() {}

  public static LatencyReport analyze(Timeline timeline, FunctionNames functions) {
    Map<Long, LatencyHistogram> fn = new HashMap<>();
    Map<Long, LatencyHistogram> irq = new HashMap<>();
    for (int cpu = 0; cpu < timeline.cpuCount(); cpu++) {
      add(timeline.graphSpans(cpu), fn);
      add(timeline.irqSpans(cpu), irq);
    }
    Map<Long, LatencyHistogram> markers = new HashMap<>();
    add(timeline.markerSlices(), markers);
    LatencyHistogram sched = new LatencyHistogram();
    Spans states = timeline.threadStates();
    int woken = ThreadState.RUNNABLE_WOKEN.ordinal();
    for (int i = 0; i < states.size(); i++) {
      if (states.key(i) == woken && states.complete(i)) {
        sched.record(states.duration(i));
      }
    }
    return new LatencyReport(
        rows(fn, functions::nameOrHex),
        rows(irq, v -> "vector " + v),
        sched.stats(),
        rows(markers, id -> String.valueOf(timeline.name(id))));
  }

  private static void add(Spans spans, Map<Long, LatencyHistogram> into) {
    for (int i = 0; i < spans.size(); i++) {
      if (spans.complete(i)) {
        into.computeIfAbsent(spans.key(i), k -> new LatencyHistogram()).record(spans.duration(i));
      }
    }
  }

  private static List<LatencyRow> rows(Map<Long, LatencyHistogram> m, LongFunction<String> name) {
    List<LatencyRow> out = new ArrayList<>(m.size());
    m.forEach((k, h) -> out.add(new LatencyRow(name.apply(k), h.stats())));
    out.sort(
        Comparator.comparingLong((LatencyRow r) -> r.stats().sum())
            .reversed()
            .thenComparing(LatencyRow::name));
    return List.copyOf(out);
  }
}
