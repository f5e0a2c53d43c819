package dev.uniscope.core.session;

import dev.uniscope.core.analysis.timeline.EventSink;
import java.util.List;

/** Delivers every event to each of several sinks, in order. */
public record EventFanOut(List<EventSink> sinks) implements EventSink {
  @Override
  public void threadName(long ts, int cpu, int tid, String name) {
    sinks.forEach(s -> s.threadName(ts, cpu, tid, name));
  }

  @Override
  public void schedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {
    sinks.forEach(s -> s.schedSwitch(ts, cpu, prevTid, prevState, prevPrio, nextTid, nextPrio));
  }

  @Override
  public void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {
    sinks.forEach(s -> s.schedWakeup(ts, cpu, tid, prio, targetCpu));
  }

  @Override
  public void irqEntry(long ts, int cpu, int vector) {
    sinks.forEach(s -> s.irqEntry(ts, cpu, vector));
  }

  @Override
  public void irqExit(long ts, int cpu, int vector) {
    sinks.forEach(s -> s.irqExit(ts, cpu, vector));
  }

  @Override
  public void timerExpire(long ts, int cpu, long timer, long function) {
    sinks.forEach(s -> s.timerExpire(ts, cpu, timer, function));
  }

  @Override
  public void pageFault(long ts, int cpu, long address, long ip, int errorCode) {
    sinks.forEach(s -> s.pageFault(ts, cpu, address, ip, errorCode));
  }

  @Override
  public void alloc(long ts, int cpu, long ptr, long size, long caller) {
    sinks.forEach(s -> s.alloc(ts, cpu, ptr, size, caller));
  }

  @Override
  public void free(long ts, int cpu, long ptr, long caller) {
    sinks.forEach(s -> s.free(ts, cpu, ptr, caller));
  }

  @Override
  public void markerBegin(long ts, int cpu, int tid, String name) {
    sinks.forEach(s -> s.markerBegin(ts, cpu, tid, name));
  }

  @Override
  public void markerEnd(long ts, int cpu, int tid, String name) {
    sinks.forEach(s -> s.markerEnd(ts, cpu, tid, name));
  }

  @Override
  public void markerInstant(long ts, int cpu, int tid, String name) {
    sinks.forEach(s -> s.markerInstant(ts, cpu, tid, name));
  }

  @Override
  public void markerCounter(long ts, int cpu, int tid, String name, long value) {
    sinks.forEach(s -> s.markerCounter(ts, cpu, tid, name, value));
  }

  @Override
  public void funcEntry(long ts, int cpu, long ip, long parentIp) {
    sinks.forEach(s -> s.funcEntry(ts, cpu, ip, parentIp));
  }

  @Override
  public void graphEntry(long ts, int cpu, long ip, int depth) {
    sinks.forEach(s -> s.graphEntry(ts, cpu, ip, depth));
  }

  @Override
  public void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
    sinks.forEach(s -> s.graphExit(ts, cpu, ip, depth, durationNs));
  }

  @Override
  public void sample(long ts, int cpu, int tid, boolean idle, long[] stack, int length) {
    sinks.forEach(s -> s.sample(ts, cpu, tid, idle, stack, length));
  }

  @Override
  public void flush() {
    sinks.forEach(EventSink::flush);
  }
}
