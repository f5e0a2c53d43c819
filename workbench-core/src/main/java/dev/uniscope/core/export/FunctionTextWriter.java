package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Prints events as ftrace {@code function} tracer lines. With a null writer it only counts lines
 * and CPUs (the header needs both before the first line).
 */
final class FunctionTextWriter extends TaskNames {
  private final Writer out;
  private final FunctionNames fn;
  private final int digits;
  private final StringBuilder line = new StringBuilder(160);
  long lines;
  int maxCpu = -1;

  FunctionTextWriter(Writer out, FunctionNames fn, int digits) {
    this.out = out;
    this.fn = fn;
    this.digits = digits;
  }

  void header(long entries, int cpus) {
    write(
        """
        # tracer: function
        #
        # entries-in-buffer/entries-written: %d/%d   #P:%d
        #
        #                                _-----=> irqs-off/BH-disabled
        #                               / _----=> need-resched
        #                              | / _---=> hardirq/softirq
        #                              || / _--=> preempt-depth
        #                              ||| / _-=> migrate-disable
        #                              |||| /     delay
        #           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
        #              | |         |   |||||     |         |
        """
            .formatted(entries, entries, cpus));
  }

  private void emit(long ts, int cpu, String body) {
    lines++;
    maxCpu = Math.max(maxCpu, cpu);
    if (out == null) {
      return;
    }
    line.setLength(0);
    String task = task(cpu);
    int dash = task.lastIndexOf('-');
    String comm = task.substring(0, dash);
    String pid = task.substring(dash + 1);
    line.repeat(' ', Math.max(0, 16 - comm.length())).append(comm).append('-').append(pid);
    line.repeat(' ', Math.max(0, 7 - pid.length()));
    line.append(" [");
    String c = Integer.toString(cpu);
    line.repeat('0', Math.max(0, 3 - c.length())).append(c).append("] ..... ");
    String t = Micros.seconds(Math.max(0, ts), digits);
    line.repeat(' ', Math.max(0, digits + 6 - t.length())).append(t).append(": ");
    line.append(body).append('\n');
    write(line);
  }

  private void write(CharSequence s) {
    try {
      out.append(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void schedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {
    switchingFrom(cpu, prevTid);
    emit(
        ts,
        cpu,
        FtraceEventText.schedSwitch(this, prevTid, prevState, prevPrio, nextTid, nextPrio));
    super.schedSwitch(ts, cpu, prevTid, prevState, prevPrio, nextTid, nextPrio);
  }

  @Override
  public void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {
    emit(ts, cpu, FtraceEventText.schedWakeup(this, tid, prio, targetCpu));
  }

  @Override
  public void irqEntry(long ts, int cpu, int vector) {
    emit(ts, cpu, FtraceEventText.irqEntry(vector));
  }

  @Override
  public void irqExit(long ts, int cpu, int vector) {
    emit(ts, cpu, FtraceEventText.irqExit(vector));
  }

  @Override
  public void timerExpire(long ts, int cpu, long timer, long function) {
    emit(ts, cpu, FtraceEventText.timer(fn, timer, function, ts));
  }

  @Override
  public void pageFault(long ts, int cpu, long address, long ip, int errorCode) {
    emit(ts, cpu, FtraceEventText.pageFault(address, ip, errorCode));
  }

  @Override
  public void alloc(long ts, int cpu, long ptr, long size, long caller) {
    emit(ts, cpu, FtraceEventText.alloc(fn, ptr, size, caller));
  }

  @Override
  public void free(long ts, int cpu, long ptr, long caller) {
    emit(ts, cpu, FtraceEventText.free(fn, ptr, caller));
  }

  @Override
  public void markerBegin(long ts, int cpu, int tid, String name) {
    emit(ts, cpu, FtraceEventText.marker('B', tid, name));
  }

  @Override
  public void markerEnd(long ts, int cpu, int tid, String name) {
    emit(ts, cpu, FtraceEventText.marker('E', tid, name));
  }

  @Override
  public void markerInstant(long ts, int cpu, int tid, String name) {
    emit(ts, cpu, FtraceEventText.marker('I', tid, name));
  }

  @Override
  public void markerCounter(long ts, int cpu, int tid, String name, long value) {
    emit(ts, cpu, FtraceEventText.counter(tid, name, value));
  }

  @Override
  public void funcEntry(long ts, int cpu, long ip, long parentIp) {
    emit(ts, cpu, FtraceEventText.function(fn, ip, parentIp));
  }

  @Override
  public void graphEntry(long ts, int cpu, long ip, int depth) {
    emit(ts, cpu, FtraceEventText.graphEntry(fn, ip, depth));
  }

  @Override
  public void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
    emit(ts, cpu, FtraceEventText.graphExit(fn, ip, depth, durationNs));
  }
}
