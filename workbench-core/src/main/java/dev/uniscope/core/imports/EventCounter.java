package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.EventSink;

/** Forwards events to a sink, counting them and stopping the import past a limit. */
final class EventCounter implements EventSink {
  static final class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitExceeded() {
      super(null, null, false, false);
    }
  }

  private final EventSink sink;
  private final long max;
  long count;

  EventCounter(EventSink sink, long max) {
    this.sink = sink;
    this.max = max;
  }

  private void tick() {
    if (++count > max) {
      throw new LimitExceeded();
    }
  }

  @Override
  public void threadName(long ts, int cpu, int tid, String name) {
    sink.threadName(ts, cpu, tid, name);
  }

  @Override
  public void currentTask(long ts, int cpu, int tid) {
    sink.currentTask(ts, cpu, tid);
  }

  @Override
  public void schedSwitch(long ts, int cpu, int p, int s, int pp, int n, int np) {
    tick();
    sink.schedSwitch(ts, cpu, p, s, pp, n, np);
  }

  @Override
  public void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {
    tick();
    sink.schedWakeup(ts, cpu, tid, prio, targetCpu);
  }

  @Override
  public void irqEntry(long ts, int cpu, int vector) {
    tick();
    sink.irqEntry(ts, cpu, vector);
  }

  @Override
  public void irqExit(long ts, int cpu, int vector) {
    tick();
    sink.irqExit(ts, cpu, vector);
  }

  @Override
  public void timerExpire(long ts, int cpu, long timer, long function) {
    tick();
    sink.timerExpire(ts, cpu, timer, function);
  }

  @Override
  public void pageFault(long ts, int cpu, long address, long ip, int errorCode) {
    tick();
    sink.pageFault(ts, cpu, address, ip, errorCode);
  }

  @Override
  public void alloc(long ts, int cpu, long ptr, long size, long caller) {
    tick();
    sink.alloc(ts, cpu, ptr, size, caller);
  }

  @Override
  public void free(long ts, int cpu, long ptr, long caller) {
    tick();
    sink.free(ts, cpu, ptr, caller);
  }

  @Override
  public void markerBegin(long ts, int cpu, int tid, String name) {
    tick();
    sink.markerBegin(ts, cpu, tid, name);
  }

  @Override
  public void markerEnd(long ts, int cpu, int tid, String name) {
    tick();
    sink.markerEnd(ts, cpu, tid, name);
  }

  @Override
  public void markerInstant(long ts, int cpu, int tid, String name) {
    tick();
    sink.markerInstant(ts, cpu, tid, name);
  }

  @Override
  public void markerCounter(long ts, int cpu, int tid, String name, long value) {
    tick();
    sink.markerCounter(ts, cpu, tid, name, value);
  }

  @Override
  public void funcEntry(long ts, int cpu, long ip, long parentIp) {
    tick();
    sink.funcEntry(ts, cpu, ip, parentIp);
  }

  @Override
  public void graphEntry(long ts, int cpu, long ip, int depth) {
    tick();
    sink.graphEntry(ts, cpu, ip, depth);
  }

  @Override
  public void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
    tick();
    sink.graphExit(ts, cpu, ip, depth, durationNs);
  }

  @Override
  public void sample(long ts, int cpu, int tid, boolean idle, long[] stack, int length) {
    tick();
    sink.sample(ts, cpu, tid, idle, stack, length);
  }

  @Override
  public void flush() {
    sink.flush();
  }
}
