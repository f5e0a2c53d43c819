package dev.uniscope.core.analysis.timeline;

import java.util.Arrays;

/**
 * The same events as {@link EventSink}, as values. Used where events must be held, reordered or
 * compared (tests, importers that must sort, small logs); bulk paths use the sink directly.
 */
public sealed interface TraceEvent {
  long ts();

  int cpu();

  /** Calls the matching {@link EventSink} method. */
  void replay(EventSink sink);

  record ThreadName(long ts, int cpu, int tid, String name) implements TraceEvent {
    public void replay(EventSink s) {
      s.threadName(ts, cpu, tid, name);
    }
  }

  record CurrentTask(long ts, int cpu, int tid) implements TraceEvent {
    public void replay(EventSink s) {
      s.currentTask(ts, cpu, tid);
    }
  }

  record SchedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio)
      implements TraceEvent {
    public void replay(EventSink s) {
      s.schedSwitch(ts, cpu, prevTid, prevState, prevPrio, nextTid, nextPrio);
    }
  }

  record SchedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) implements TraceEvent {
    public void replay(EventSink s) {
      s.schedWakeup(ts, cpu, tid, prio, targetCpu);
    }
  }

  record IrqEntry(long ts, int cpu, int vector) implements TraceEvent {
    public void replay(EventSink s) {
      s.irqEntry(ts, cpu, vector);
    }
  }

  record IrqExit(long ts, int cpu, int vector) implements TraceEvent {
    public void replay(EventSink s) {
      s.irqExit(ts, cpu, vector);
    }
  }

  record TimerExpire(long ts, int cpu, long timer, long function) implements TraceEvent {
    public void replay(EventSink s) {
      s.timerExpire(ts, cpu, timer, function);
    }
  }

  record PageFault(long ts, int cpu, long address, long ip, int errorCode) implements TraceEvent {
    public void replay(EventSink s) {
      s.pageFault(ts, cpu, address, ip, errorCode);
    }
  }

  record Alloc(long ts, int cpu, long ptr, long size, long caller) implements TraceEvent {
    public void replay(EventSink s) {
      s.alloc(ts, cpu, ptr, size, caller);
    }
  }

  record Free(long ts, int cpu, long ptr, long caller) implements TraceEvent {
    public void replay(EventSink s) {
      s.free(ts, cpu, ptr, caller);
    }
  }

  record MarkerBegin(long ts, int cpu, int tid, String name) implements TraceEvent {
    public void replay(EventSink s) {
      s.markerBegin(ts, cpu, tid, name);
    }
  }

  record MarkerEnd(long ts, int cpu, int tid, String name) implements TraceEvent {
    public void replay(EventSink s) {
      s.markerEnd(ts, cpu, tid, name);
    }
  }

  record MarkerInstant(long ts, int cpu, int tid, String name) implements TraceEvent {
    public void replay(EventSink s) {
      s.markerInstant(ts, cpu, tid, name);
    }
  }

  record MarkerCounter(long ts, int cpu, int tid, String name, long value) implements TraceEvent {
    public void replay(EventSink s) {
      s.markerCounter(ts, cpu, tid, name, value);
    }
  }

  record FuncEntry(long ts, int cpu, long ip, long parentIp) implements TraceEvent {
    public void replay(EventSink s) {
      s.funcEntry(ts, cpu, ip, parentIp);
    }
  }

  record GraphEntry(long ts, int cpu, long ip, int depth) implements TraceEvent {
    public void replay(EventSink s) {
      s.graphEntry(ts, cpu, ip, depth);
    }
  }

  record GraphExit(long ts, int cpu, long ip, int depth, long durationNs) implements TraceEvent {
    public void replay(EventSink s) {
      s.graphExit(ts, cpu, ip, depth, durationNs);
    }
  }

  /** {@code stack} is leaf first. */
  record Sample(long ts, int cpu, int tid, boolean idle, long[] stack) implements TraceEvent {
    public Sample {
      stack = stack.clone();
    }

    @Override
    public long[] stack() {
      return stack.clone();
    }

    public void replay(EventSink s) {
      s.sample(ts, cpu, tid, idle, stack, stack.length);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sample x
          && x.ts == ts
          && x.cpu == cpu
          && x.tid == tid
          && x.idle == idle
          && Arrays.equals(x.stack, stack);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(ts) * 31 + Arrays.hashCode(stack);
    }

    @Override
    public String toString() {
      return "Sample[ts=%d, cpu=%d, tid=%d, idle=%b, stack=%s]"
          .formatted(ts, cpu, tid, idle, Arrays.toString(stack));
    }
  }
}
