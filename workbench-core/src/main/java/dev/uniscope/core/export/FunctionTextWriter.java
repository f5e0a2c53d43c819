package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Prints events as ftrace {@code function} tracer lines. With a null writer it only counts lines
 * and CPUs (the header needs both before the first line).
 */
final class FunctionTextWriter extends EventLineWriter {
  private final Writer out;
  private final int digits;
  private final StringBuilder line = new StringBuilder(160);
  long lines;
  int maxCpu = -1;

  FunctionTextWriter(Writer out, FunctionNames fn, int digits) {
    super(fn);
    this.out = out;
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

  @Override
  void eventLine(long ts, int cpu, String body) {
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
  public void graphEntry(long ts, int cpu, long ip, int depth) {
    eventLine(ts, cpu, FtraceEventText.graphEntry(fn, ip, depth));
  }

  @Override
  public void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
    eventLine(ts, cpu, FtraceEventText.graphExit(fn, ip, depth, durationNs));
  }
}
