package dev.uniscope.ui.timeline;

import dev.uniscope.core.analysis.timeline.InstantKind;
import dev.uniscope.core.analysis.timeline.Instants;
import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.core.analysis.timeline.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the timeline view draws, taken from a {@link Timeline} off the FX thread (the queries copy
 * columns, so they are not repeated per repaint).
 *
 * @param cpuSlices per CPU, who ran when (key = tid, 0 = idle)
 * @param irqSpans per CPU, IRQ handler spans (key = vector)
 * @param markers app marker slices of every thread (key = name id)
 * @param markerTs times of the app's instant markers ({@code trace_marker}), ascending
 * @param markerNames name ids of those markers
 * @param events events appended to the timeline so far (approximate: slices plus spans)
 */
public record TimelineSnapshot(
    Timeline source,
    long firstTs,
    long lastTs,
    List<Spans> cpuSlices,
    List<Spans> irqSpans,
    Spans markers,
    long[] markerTs,
    long[] markerNames,
    Map<Integer, String> threadNames,
    long events) {

  public static TimelineSnapshot of(Timeline t) {
    int n = Math.min(t.cpuCount(), 64);
    List<Spans> slices = new ArrayList<>(n);
    List<Spans> irqs = new ArrayList<>(n);
    long events = 0;
    for (int c = 0; c < n; c++) {
      Spans s = t.cpuSlices(c);
      Spans i = t.irqSpans(c);
      slices.add(s);
      irqs.add(i);
      events += s.size() + i.size();
    }
    Spans markers = t.markerSlices();
    Instants points = t.instants();
    int count = 0;
    for (int i = 0; i < points.size(); i++) {
      if (points.kind(i) == InstantKind.MARKER) {
        count++;
      }
    }
    long[] ts = new long[count];
    long[] names = new long[count];
    for (int i = 0, j = 0; i < points.size(); i++) {
      if (points.kind(i) == InstantKind.MARKER) {
        ts[j] = points.ts(i);
        names[j++] = points.key(i);
      }
    }
    return new TimelineSnapshot(
        t,
        t.firstTs(),
        t.lastTs(),
        List.copyOf(slices),
        List.copyOf(irqs),
        markers,
        ts,
        names,
        t.threadNames(),
        events + markers.size() + count);
  }

  /** Whether there is anything for the marker lane. */
  public boolean hasMarkers() {
    return markers.size() > 0 || markerTs.length > 0;
  }

  /** Index of the first instant marker at or after {@code ts}. */
  public int firstMarkerAtOrAfter(long ts) {
    int i = java.util.Arrays.binarySearch(markerTs, ts);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && markerTs[i - 1] == ts) {
      i--;
    }
    return i;
  }

  public boolean empty() {
    return cpuSlices.isEmpty() || lastTs <= firstTs;
  }

  public int cpus() {
    return cpuSlices.size();
  }

  /** A thread's name, bounded and made printable (names come from the guest). */
  public String threadName(int tid) {
    if (tid == 0) {
      return "idle";
    }
    String n = threadNames.get(tid);
    return n == null ? "tid " + tid : dev.uniscope.ui.console.ConsoleBuffer.sanitize(n);
  }

  /** A marker's name, made printable. */
  public String markerName(long id) {
    String n = source == null ? null : source.name(id);
    return n == null ? "#" + id : dev.uniscope.ui.console.ConsoleBuffer.sanitize(n);
  }
}
