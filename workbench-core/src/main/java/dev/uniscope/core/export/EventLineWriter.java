package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.FunctionNames;

/**
 * The ftrace text writers' shared mapping of trace events to the bodies of their text lines; each
 * writer decides how a body is laid out ({@link #eventLine}).
 */
abstract class EventLineWriter extends TaskNames {
  final FunctionNames fn;

  EventLineWriter(FunctionNames fn) {
    this.fn = fn;
  }

  /** Prints one event whose text is {@code body}, at {@code ts} on {@code cpu}. */
  abstract void eventLine(long ts, int cpu, String body);

  @Override
  public void schedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {
    switchingFrom(cpu, prevTid);
    eventLine(
        ts,
        cpu,
        FtraceEventText.schedSwitch(this, prevTid, prevState, prevPrio, nextTid, nextPrio));
    super.schedSwitch(ts, cpu, prevTid, prevState, prevPrio, nextTid, nextPrio);
  }

  @Override
  public void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {
    eventLine(ts, cpu, FtraceEventText.schedWakeup(this, tid, prio, targetCpu));
  }

  @Override
  public void irqEntry(long ts, int cpu, int vector) {
    eventLine(ts, cpu, FtraceEventText.irqEntry(vector));
  }

  @Override
  public void irqExit(long ts, int cpu, int vector) {
    eventLine(ts, cpu, FtraceEventText.irqExit(vector));
  }

  @Override
  public void timerExpire(long ts, int cpu, long timer, long function) {
    eventLine(ts, cpu, FtraceEventText.timer(fn, timer, function, ts));
  }

  @Override
  public void pageFault(long ts, int cpu, long address, long ip, int errorCode) {
    eventLine(ts, cpu, FtraceEventText.pageFault(address, ip, errorCode));
  }

  @Override
  public void alloc(long ts, int cpu, long ptr, long size, long caller) {
    eventLine(ts, cpu, FtraceEventText.alloc(fn, ptr, size, caller));
  }

  @Override
  public void free(long ts, int cpu, long ptr, long caller) {
    eventLine(ts, cpu, FtraceEventText.free(fn, ptr, caller));
  }

  @Override
  public void markerBegin(long ts, int cpu, int tid, String name) {
    eventLine(ts, cpu, FtraceEventText.marker('B', tid, name));
  }

  @Override
  public void markerEnd(long ts, int cpu, int tid, String name) {
    eventLine(ts, cpu, FtraceEventText.marker('E', tid, name));
  }

  @Override
  public void markerInstant(long ts, int cpu, int tid, String name) {
    eventLine(ts, cpu, FtraceEventText.marker('I', tid, name));
  }

  @Override
  public void markerCounter(long ts, int cpu, int tid, String name, long value) {
    eventLine(ts, cpu, FtraceEventText.counter(tid, name, value));
  }

  @Override
  public void funcEntry(long ts, int cpu, long ip, long parentIp) {
    eventLine(ts, cpu, functionText(ip, parentIp));
  }

  /** The body of a function-tracer event line. */
  String functionText(long ip, long parentIp) {
    return FtraceEventText.function(fn, ip, parentIp);
  }
}
