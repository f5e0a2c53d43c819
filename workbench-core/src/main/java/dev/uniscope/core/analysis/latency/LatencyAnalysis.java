package dev.uniscope.core.analysis.latency;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.analysis.timeline.LongIndex;
import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.core.analysis.timeline.ThreadState;
import dev.uniscope.core.analysis.timeline.Timeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Computes {@link LatencyReport}s from a {@link Timeline}. Only spans whose both ends were captured
 * count (a call whose entry was lost still counts: its exit carries the measured duration); spans
 * cut by the capture's edges would bias the statistics low.
 */
public final class LatencyAnalysis {
  private LatencyAnalysis() {}

  public static LatencyReport analyze(Timeline timeline, FunctionNames functions) {
    Histograms fn = new Histograms();
    Histograms irq = new Histograms();
    for (int cpu = 0; cpu < timeline.cpuCount(); cpu++) {
      add(timeline.graphSpans(cpu), fn);
      add(timeline.irqSpans(cpu), irq);
    }
    Histograms markers = new Histograms();
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

  /** One histogram per key, found without boxing the key. */
  private static final class Histograms {
    final LongIndex keys = new LongIndex();
    final List<LatencyHistogram> histograms = new ArrayList<>();

    LatencyHistogram of(long key) {
      int id = keys.intern(key);
      if (id == histograms.size()) {
        histograms.add(new LatencyHistogram());
      }
      return histograms.get(id);
    }
  }

  private static void add(Spans spans, Histograms into) {
    for (int i = 0; i < spans.size(); i++) {
      if (spans.complete(i)) {
        into.of(spans.key(i)).record(spans.duration(i));
      }
    }
  }

  private static List<LatencyRow> rows(Histograms h, LongFunction<String> name) {
    List<LatencyRow> out = new ArrayList<>(h.histograms.size());
    for (int id = 0; id < h.histograms.size(); id++) {
      out.add(new LatencyRow(name.apply(h.keys.key(id)), h.histograms.get(id).stats()));
    }
    out.sort(
        Comparator.comparingLong((LatencyRow r) -> r.stats().sum())
            .reversed()
            .thenComparing(LatencyRow::name));
    return List.copyOf(out);
  }
}
