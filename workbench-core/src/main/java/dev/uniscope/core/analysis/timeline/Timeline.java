package dev.uniscope.core.analysis.timeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The timeline model, built incrementally from events: per-CPU running slices, per-thread states,
 * nested IRQ spans per CPU, function-graph spans per CPU (with the thread that ran them), marker
 * slices and instants per thread, counter series, and point events (timers, page faults, function
 * calls).
 *
 * <p>Events arrive in timestamp order per CPU only. What depends on one CPU (running slices, IRQ
 * and function-graph nesting) is built as events arrive; what crosses CPUs (a wakeup on one CPU,
 * the switch-in on another; a thread's markers as it migrates; counters; alloc/free) is kept as
 * primitive columns and derived, sorted, when queried, then cached until more data arrives.
 *
 * <p>Truncated captures are normal: unmatched ends and still-open spans are kept and flagged (see
 * {@link Spans}) and counted in {@link #anomalies()}; nothing throws on bad ordering or nesting.
 *
 * <p>Thread safety: appends and queries synchronize on the timeline; query results are immutable
 * snapshots, so a view may read them on any thread.
 */
public final class Timeline implements EventSink {
  /** Name of the derived counter of live heap bytes (alloc minus free). */
  public static final String HEAP_LIVE_BYTES = "heap.live_bytes";

  /** CPU numbers above this are rejected as corrupt (counted in {@link #anomalies()}). */
  public static final int MAX_CPUS = 1024;

  static final int MARK_BEGIN = 0;
  static final int MARK_END = 1;
  static final int ALLOC = 0;
  static final int FREE = 1;

  private final CpuTrack[] cpus = new CpuTrack[MAX_CPUS];
  private int cpuLimit;
  private final Map<Integer, String> threadNames = new HashMap<>();
  private final NameTable names = new NameTable();
  private final PointBuffer transitions = new PointBuffer();
  private final PointBuffer markers = new PointBuffer();
  private final PointBuffer instants = new PointBuffer();
  private final PointBuffer counters = new PointBuffer();
  private final PointBuffer heap = new PointBuffer();
  private final List<TimelineListener> listeners = new CopyOnWriteArrayList<>();

  private long firstTs = Long.MAX_VALUE;
  private long lastTs = Long.MIN_VALUE;
  private long pendingFrom = Long.MAX_VALUE;
  private long pendingTo = Long.MIN_VALUE;
  private long badCpu;
  private long backwards;
  private long version;

  private long cachedVersion = -1;
  private Spans cachedStates;
  private Spans cachedMarkers;
  private long unmatchedMarkerEnds;
  private List<CounterSeries> cachedCounters;

  public void addListener(TimelineListener l) {
    listeners.add(l);
  }

  public void removeListener(TimelineListener l) {
    listeners.remove(l);
  }

  // ---------------------------------------------------------------- appends

  private CpuTrack track(long ts, int cpu) {
    if (cpu < 0 || cpu >= MAX_CPUS) {
      badCpu++;
      return null;
    }
    CpuTrack t = cpus[cpu];
    if (t == null) {
      t = new CpuTrack(cpu);
      cpus[cpu] = t;
      cpuLimit = Math.max(cpuLimit, cpu + 1);
    }
    if (!t.touch(ts)) {
      backwards++;
    }
    firstTs = Math.min(firstTs, ts);
    lastTs = Math.max(lastTs, ts);
    pendingFrom = Math.min(pendingFrom, ts);
    pendingTo = Math.max(pendingTo, ts);
    version++;
    return t;
  }

  private int runningTid(CpuTrack t) {
    return t.current;
  }

  @Override
  public synchronized void threadName(long ts, int cpu, int tid, String name) {
    if (name != null) {
      threadNames.put(tid, name);
    }
  }

  @Override
  public synchronized void currentTask(long ts, int cpu, int tid) {
    CpuTrack t = track(ts, cpu);
    if (t == null || t.current == tid) {
      return;
    }
    if (t.current > 0) {
      transitions.add(ts, cpu, t.current, ThreadState.UNKNOWN.ordinal(), 0, 0, 0);
    }
    t.assume(ts, tid);
    if (tid != 0) {
      transitions.add(ts, cpu, tid, ThreadState.RUNNING.ordinal(), 0, 0, 0);
    }
  }

  @Override
  public synchronized void schedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {
    CpuTrack t = track(ts, cpu);
    if (t == null) {
      return;
    }
    t.switchTo(ts, prevTid, nextTid);
    if (prevTid != 0) {
      ThreadState s =
          switch (prevState) {
            case SchedState.RUNNABLE -> ThreadState.RUNNABLE_PREEMPTED;
            case SchedState.EXITED -> ThreadState.EXITED;
            default -> ThreadState.BLOCKED;
          };
      transitions.add(ts, cpu, prevTid, s.ordinal(), 0, 0, 0);
    }
    if (nextTid != 0) {
      transitions.add(ts, cpu, nextTid, ThreadState.RUNNING.ordinal(), 0, 0, 0);
    }
  }

  @Override
  public synchronized void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {
    if (track(ts, cpu) != null && tid != 0) {
      transitions.add(ts, cpu, tid, ThreadState.RUNNABLE_WOKEN.ordinal(), 0, 0, 0);
    }
  }

  @Override
  public synchronized void irqEntry(long ts, int cpu, int vector) {
    CpuTrack t = track(ts, cpu);
    if (t != null) {
      t.irqEntry(ts, vector);
    }
  }

  @Override
  public synchronized void irqExit(long ts, int cpu, int vector) {
    CpuTrack t = track(ts, cpu);
    if (t != null) {
      t.irqExit(ts, vector);
    }
  }

  @Override
  public synchronized void timerExpire(long ts, int cpu, long timer, long function) {
    CpuTrack t = track(ts, cpu);
    if (t != null) {
      instants.add(ts, cpu, runningTid(t), InstantKind.TIMER.ordinal(), timer, function, 0);
    }
  }

  @Override
  public synchronized void pageFault(long ts, int cpu, long address, long ip, int errorCode) {
    CpuTrack t = track(ts, cpu);
    if (t != null) {
      instants.add(
          ts, cpu, runningTid(t), InstantKind.PAGE_FAULT.ordinal(), address, ip, errorCode);
    }
  }

  @Override
  public synchronized void funcEntry(long ts, int cpu, long ip, long parentIp) {
    CpuTrack t = track(ts, cpu);
    if (t != null) {
      instants.add(ts, cpu, runningTid(t), InstantKind.FUNCTION_CALL.ordinal(), ip, parentIp, 0);
    }
  }

  @Override
  public synchronized void alloc(long ts, int cpu, long ptr, long size, long caller) {
    if (track(ts, cpu) != null) {
      heap.add(ts, cpu, 0, ALLOC, ptr, size, caller);
    }
  }

  @Override
  public synchronized void free(long ts, int cpu, long ptr, long caller) {
    if (track(ts, cpu) != null) {
      heap.add(ts, cpu, 0, FREE, ptr, 0, caller);
    }
  }

  @Override
  public synchronized void markerBegin(long ts, int cpu, int tid, String name) {
    if (track(ts, cpu) != null) {
      markers.add(ts, cpu, tid, MARK_BEGIN, names.intern(nonNull(name)), 0, 0);
    }
  }

  @Override
  public synchronized void markerEnd(long ts, int cpu, int tid, String name) {
    if (track(ts, cpu) != null) {
      markers.add(ts, cpu, tid, MARK_END, names.intern(nonNull(name)), 0, 0);
    }
  }

  @Override
  public synchronized void markerInstant(long ts, int cpu, int tid, String name) {
    if (track(ts, cpu) != null) {
      instants.add(ts, cpu, tid, InstantKind.MARKER.ordinal(), names.intern(nonNull(name)), 0, 0);
    }
  }

  @Override
  public synchronized void markerCounter(long ts, int cpu, int tid, String name, long value) {
    if (track(ts, cpu) != null) {
      counters.add(ts, cpu, tid, 0, names.intern(nonNull(name)), value, 0);
    }
  }

  @Override
  public synchronized void graphEntry(long ts, int cpu, long ip, int depth) {
    CpuTrack t = track(ts, cpu);
    if (t != null) {
      t.graphEntry(ts, ip, depth);
    }
  }

  @Override
  public synchronized void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
    CpuTrack t = track(ts, cpu);
    if (t != null) {
      t.graphExit(ts, ip, depth, durationNs);
    }
  }

  @Override
  public void flush() {
    long from;
    long to;
    synchronized (this) {
      if (pendingFrom == Long.MAX_VALUE) {
        return;
      }
      from = pendingFrom;
      to = pendingTo;
      pendingFrom = Long.MAX_VALUE;
      pendingTo = Long.MIN_VALUE;
    }
    for (TimelineListener l : listeners) {
      l.timelineUpdated(this, from, to);
    }
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  // ---------------------------------------------------------------- queries

  /** One more than the highest CPU number seen. */
  public synchronized int cpuCount() {
    return cpuLimit;
  }

  /** Earliest timestamp seen, or {@link Long#MAX_VALUE} when empty. */
  public synchronized long firstTs() {
    return firstTs;
  }

  /** Latest timestamp seen, or {@link Long#MIN_VALUE} when empty. */
  public synchronized long lastTs() {
    return lastTs;
  }

  public synchronized Map<Integer, String> threadNames() {
    return Map.copyOf(threadNames);
  }

  /** The name of a marker or counter name id ({@link Spans#key} of marker slices). */
  public synchronized String name(long nameId) {
    return nameId < 0 || nameId > Integer.MAX_VALUE ? null : names.name((int) nameId);
  }

  /** Who ran when on {@code cpu}: key = tid (0 = idle). The last slice is open. */
  public synchronized Spans cpuSlices(int cpu) {
    CpuTrack t = cpu >= 0 && cpu < MAX_CPUS ? cpus[cpu] : null;
    return t == null ? Spans.EMPTY : t.slices.snapshot(t.openSlices());
  }

  /** Nested IRQ handler spans on {@code cpu}: key = vector, depth = nesting. */
  public synchronized Spans irqSpans(int cpu) {
    CpuTrack t = cpu >= 0 && cpu < MAX_CPUS ? cpus[cpu] : null;
    return t == null ? Spans.EMPTY : t.irqs.snapshot(t.openIrqs());
  }

  /** Function-graph spans on {@code cpu}: key = ip, depth = call depth, tid = the thread. */
  public synchronized Spans graphSpans(int cpu) {
    CpuTrack t = cpu >= 0 && cpu < MAX_CPUS ? cpus[cpu] : null;
    return t == null ? Spans.EMPTY : t.graph.snapshot(t.openGraph());
  }

  /** The function-graph spans that {@code tid} ran, on any CPU (key = ip, cpu = where). */
  public synchronized Spans graphSpansOfThread(int tid) {
    SpanBuffer b = new SpanBuffer();
    for (int c = 0; c < cpuLimit; c++) {
      if (cpus[c] == null) {
        continue;
      }
      Spans s = graphSpans(c);
      for (int i = 0; i < s.size(); i++) {
        if (s.tid(i) == tid) {
          b.add(s.start(i), s.end(i), s.key(i), tid, c, s.depth(i), s.flags(i));
        }
      }
    }
    return b.snapshot(null);
  }

  /** All threads' state intervals: key = {@link ThreadState} ordinal, tid = the thread. */
  public synchronized Spans threadStates() {
    derive();
    return cachedStates;
  }

  /** One thread's state intervals. */
  public synchronized Spans threadStates(int tid) {
    derive();
    SpanBuffer b = new SpanBuffer();
    Spans all = cachedStates;
    for (int i = 0; i < all.size(); i++) {
      if (all.tid(i) == tid) {
        b.add(all.start(i), all.end(i), all.key(i), tid, all.cpu(i), 0, all.flags(i));
      }
    }
    return b.snapshot(null);
  }

  /** Marker begin/end slices of every thread: key = name id ({@link #name}), depth = nesting. */
  public synchronized Spans markerSlices() {
    derive();
    return cachedMarkers;
  }

  /** Point events in time order. */
  public synchronized Instants instants() {
    return new Instants(instants);
  }

  /** Marker counters by name (in order of first appearance), then {@link #HEAP_LIVE_BYTES}. */
  public synchronized List<CounterSeries> counters() {
    derive();
    return cachedCounters;
  }

  public synchronized Anomalies anomalies() {
    derive();
    long irq = 0;
    long graph = 0;
    long sw = 0;
    long over = 0;
    for (int c = 0; c < cpuLimit; c++) {
      CpuTrack t = cpus[c];
      if (t != null) {
        irq += t.unmatchedIrqExits;
        graph += t.unmatchedGraphExits;
        sw += t.switchMismatches;
        over += t.overflows;
      }
    }
    return new Anomalies(irq, graph, unmatchedMarkerEnds, sw, over, badCpu, backwards);
  }

  private void derive() {
    if (cachedVersion == version) {
      return;
    }
    CrossCpu d = new CrossCpu(lastTs, names);
    cachedStates = d.states(transitions);
    cachedMarkers = d.markers(markers);
    unmatchedMarkerEnds = d.unmatchedMarkerEnds;
    cachedCounters = d.counters(counters, heap);
    cachedVersion = version;
  }
}
