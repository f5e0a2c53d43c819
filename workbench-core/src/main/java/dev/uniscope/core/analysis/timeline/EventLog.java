package dev.uniscope.core.analysis.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Records events as values and replays them in global time order (stable: equal timestamps keep
 * arrival order). For tests, imports and small captures; large captures replay from the event store
 * instead.
 */
public final class EventLog implements EventSink, EventSource {
  private final List<TraceEvent> events = new ArrayList<>();
  private boolean sorted = true;
  private long lastTs = Long.MIN_VALUE;

  public void add(TraceEvent e) {
    if (e.ts() < lastTs) {
      sorted = false;
    }
    lastTs = Math.max(lastTs, e.ts());
    events.add(e);
  }

  /** The events in global time order. */
  public List<TraceEvent> events() {
    sort();
    return List.copyOf(events);
  }

  public int size() {
    return events.size();
  }

  @Override
  public void replay(EventSink sink) {
    sort();
    for (TraceEvent e : events) {
      e.replay(sink);
    }
    sink.flush();
  }

  private void sort() {
    if (!sorted) {
      events.sort(Comparator.comparingLong(TraceEvent::ts));
      sorted = true;
    }
  }

  @Override
  public void threadName(long ts, int cpu, int tid, String name) {
    add(new TraceEvent.ThreadName(ts, cpu, tid, name));
  }

  @Override
  public void currentTask(long ts, int cpu, int tid) {
    add(new TraceEvent.CurrentTask(ts, cpu, tid));
  }

  @Override
  public void schedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {
    add(new TraceEvent.SchedSwitch(ts, cpu, prevTid, prevState, prevPrio, nextTid, nextPrio));
  }

  @Override
  public void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {
    add(new TraceEvent.SchedWakeup(ts, cpu, tid, prio, targetCpu));
  }

  @Override
  public void irqEntry(long ts, int cpu, int vector) {
    add(new TraceEvent.IrqEntry(ts, cpu, vector));
  }

  @Override
  public void irqExit(long ts, int cpu, int vector) {
    add(new TraceEvent.IrqExit(ts, cpu, vector));
  }

  @Override
  public void timerExpire(long ts, int cpu, long timer, long function) {
    add(new TraceEvent.TimerExpire(ts, cpu, timer, function));
  }

  @Override
  public void pageFault(long ts, int cpu, long address, long ip, int errorCode) {
    add(new TraceEvent.PageFault(ts, cpu, address, ip, errorCode));
  }

  @Override
  public void alloc(long ts, int cpu, long ptr, long size, long caller) {
    add(new TraceEvent.Alloc(ts, cpu, ptr, size, caller));
  }

  @Override
  public void free(long ts, int cpu, long ptr, long caller) {
    add(new TraceEvent.Free(ts, cpu, ptr, caller));
  }

  @Override
  public void markerBegin(long ts, int cpu, int tid, String name) {
    add(new TraceEvent.MarkerBegin(ts, cpu, tid, name));
  }

  @Override
  public void markerEnd(long ts, int cpu, int tid, String name) {
    add(new TraceEvent.MarkerEnd(ts, cpu, tid, name));
  }

  @Override
  public void markerInstant(long ts, int cpu, int tid, String name) {
    add(new TraceEvent.MarkerInstant(ts, cpu, tid, name));
  }

  @Override
  public void markerCounter(long ts, int cpu, int tid, String name, long value) {
    add(new TraceEvent.MarkerCounter(ts, cpu, tid, name, value));
  }

  @Override
  public void funcEntry(long ts, int cpu, long ip, long parentIp) {
    add(new TraceEvent.FuncEntry(ts, cpu, ip, parentIp));
  }

  @Override
  public void graphEntry(long ts, int cpu, long ip, int depth) {
    add(new TraceEvent.GraphEntry(ts, cpu, ip, depth));
  }

  @Override
  public void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
    add(new TraceEvent.GraphExit(ts, cpu, ip, depth, durationNs));
  }

  @Override
  public void sample(long ts, int cpu, int tid, boolean idle, long[] stack, int length) {
    add(new TraceEvent.Sample(ts, cpu, tid, idle, java.util.Arrays.copyOf(stack, length)));
  }
}
