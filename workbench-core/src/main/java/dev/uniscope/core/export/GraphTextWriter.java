package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Prints events as ftrace {@code function_graph} output with absolute time, task and function-name
 * tails. A call whose exit is the next event on its CPU prints as a leaf {@code name();}, which
 * needs one look ahead: {@link LeafScan} finds the leaves in a first pass over the same events.
 */
final class GraphTextWriter extends EventLineWriter {
  private static final String SEPARATOR = " ------------------------------------------\n";

  private final Writer out;
  private final int digits;
  private final LeafScan leaves;
  private final StringBuilder line = new StringBuilder(160);
  private final CpuState[] cpus = new CpuState[4096];
  private long entryOrdinal;

  GraphTextWriter(Writer out, FunctionNames fn, int digits, LeafScan leaves) {
    super(fn);
    this.out = out;
    this.digits = digits;
    this.leaves = leaves;
  }

  private static final class CpuState {
    long[] stack = new long[16];
    int depth;
    boolean lastWasLeaf;
    long lastLeafIp;
    String lastTask;
  }

  void header() {
    write(
        """
        # tracer: function_graph
        #
        #     TIME        CPU  TASK/PID         DURATION                  FUNCTION CALLS
        #      |          |     |    |           |   |                     |   |   |   |
        """);
  }

  private CpuState cpu(int cpu) {
    CpuState s = cpus[cpu];
    if (s == null) {
      s = new CpuState();
      cpus[cpu] = s;
    }
    return s;
  }

  private void row(long ts, int cpu, long duration, int depth, String call) {
    if (cpu < 0 || cpu >= cpus.length) {
      return;
    }
    CpuState s = cpu(cpu);
    s.lastWasLeaf = false;
    String task = task(cpu);
    line.setLength(0);
    if (s.lastTask != null && !s.lastTask.equals(task)) {
      line.append(SEPARATOR);
      line.append(' ').append(cpu).append(")  ").append(s.lastTask).append("  =>  ").append(task);
      line.append('\n').append(SEPARATOR).append('\n');
    }
    s.lastTask = task;
    String t = Micros.seconds(Math.max(0, ts), digits);
    line.repeat(' ', Math.max(0, digits + 6 - t.length())).append(t).append(" | ");
    String c = Integer.toString(cpu);
    line.repeat(' ', Math.max(0, 3 - c.length())).append(c).append(") ");
    int pad = Math.max(0, 14 - task.length());
    line.repeat(' ', pad / 2).append(task).repeat(' ', pad - pad / 2).append(" | ");
    if (duration >= 0) {
      String d = Micros.micros(duration);
      line.append(mark(duration)).append(' ');
      line.repeat(' ', Math.max(0, 9 - d.length())).append(d).append(" us ");
    } else {
      line.repeat(' ', 15);
    }
    line.append("|  ").repeat(' ', 2 * depth).append(call).append('\n');
    write(line);
  }

  /** The overhead mark of funcgraph-overhead, by duration. */
  static char mark(long ns) {
    if (ns > 1_000_000_000L) {
      return '$';
    } else if (ns > 100_000_000L) {
      return '@';
    } else if (ns > 10_000_000L) {
      return '*';
    } else if (ns > 1_000_000L) {
      return '#';
    } else if (ns > 100_000L) {
      return '!';
    } else if (ns > 10_000L) {
      return '+';
    }
    return ' ';
  }

  private void write(CharSequence s) {
    try {
      out.append(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  void eventLine(long ts, int cpu, String body) {
    if (cpu >= 0 && cpu < cpus.length) {
      row(ts, cpu, -1, cpu(cpu).depth, "/* " + body + " */");
    }
  }

  @Override
  public void graphEntry(long ts, int cpu, long ip, int depth) {
    long ordinal = entryOrdinal++;
    if (cpu < 0 || cpu >= cpus.length) {
      return;
    }
    CpuState s = cpu(cpu);
    String name = fn.nameOrHex(ip);
    if (leaves.isLeaf(ordinal)) {
      row(ts, cpu, leaves.duration(ordinal), s.depth, name + "();");
      s.lastWasLeaf = true;
      s.lastLeafIp = ip;
      return;
    }
    row(ts, cpu, -1, s.depth, name + "() {");
    if (s.depth == s.stack.length) {
      s.stack = Arrays.copyOf(s.stack, s.depth * 2);
    }
    s.stack[s.depth++] = ip;
  }

  @Override
  public void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
    if (cpu < 0 || cpu >= cpus.length) {
      return;
    }
    CpuState s = cpu(cpu);
    if (s.lastWasLeaf && s.lastLeafIp == ip) {
      s.lastWasLeaf = false;
      return;
    }
    int k = s.depth - 1;
    while (k >= 0 && s.stack[k] != ip) {
      k--;
    }
    if (k >= 0) {
      s.depth = k;
    }
    row(ts, cpu, Math.max(0, durationNs), s.depth, "} /* " + fn.nameOrHex(ip) + " */");
  }

  /** Other events show up as comments, as in Linux's function_graph output. */
  @Override
  String functionText(long ip, long parentIp) {
    return "function: " + super.functionText(ip, parentIp);
  }

  static final class LeafScan implements EventSink {
    private final BitSet leaf = new BitSet();
    private long[] durations = new long[64];
    private long ordinal;
    private long[] lastEntryOrdinal = new long[0];
    private long[] lastEntryIp = new long[0];

    boolean isLeaf(long ordinal) {
      return ordinal < Integer.MAX_VALUE && leaf.get((int) ordinal);
    }

    long duration(long ordinal) {
      return durations[(int) ordinal];
    }

    private void other(int cpu) {
      if (cpu >= 0 && cpu < lastEntryOrdinal.length) {
        lastEntryOrdinal[cpu] = -1;
      }
    }

    @Override
    public void graphEntry(long ts, int cpu, long ip, int depth) {
      long o = ordinal++;
      if (cpu < 0 || cpu >= 4096 || o >= Integer.MAX_VALUE) {
        return;
      }
      if (cpu >= lastEntryOrdinal.length) {
        int old = lastEntryOrdinal.length;
        lastEntryOrdinal = Arrays.copyOf(lastEntryOrdinal, cpu + 1);
        lastEntryIp = Arrays.copyOf(lastEntryIp, cpu + 1);
        Arrays.fill(lastEntryOrdinal, old, cpu + 1, -1);
      }
      lastEntryOrdinal[cpu] = o;
      lastEntryIp[cpu] = ip;
    }

    @Override
    public void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
      if (cpu >= 0 && cpu < lastEntryOrdinal.length) {
        long o = lastEntryOrdinal[cpu];
        if (o >= 0 && lastEntryIp[cpu] == ip) {
          leaf.set((int) o);
          if (o >= durations.length) {
            durations = Arrays.copyOf(durations, (int) Math.max(o + 1, durations.length * 2L));
          }
          durations[(int) o] = Math.max(0, durationNs);
        }
        lastEntryOrdinal[cpu] = -1;
      }
    }

    @Override
    public void schedSwitch(long ts, int cpu, int p, int s, int pp, int n, int np) {
      other(cpu);
    }

    @Override
    public void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {
      other(cpu);
    }

    @Override
    public void irqEntry(long ts, int cpu, int vector) {
      other(cpu);
    }

    @Override
    public void irqExit(long ts, int cpu, int vector) {
      other(cpu);
    }

    @Override
    public void timerExpire(long ts, int cpu, long timer, long function) {
      other(cpu);
    }

    @Override
    public void pageFault(long ts, int cpu, long address, long ip, int errorCode) {
      other(cpu);
    }

    @Override
    public void alloc(long ts, int cpu, long ptr, long size, long caller) {
      other(cpu);
    }

    @Override
    public void free(long ts, int cpu, long ptr, long caller) {
      other(cpu);
    }

    @Override
    public void markerBegin(long ts, int cpu, int tid, String name) {
      other(cpu);
    }

    @Override
    public void markerEnd(long ts, int cpu, int tid, String name) {
      other(cpu);
    }

    @Override
    public void markerInstant(long ts, int cpu, int tid, String name) {
      other(cpu);
    }

    @Override
    public void markerCounter(long ts, int cpu, int tid, String name, long value) {
      other(cpu);
    }

    @Override
    public void funcEntry(long ts, int cpu, long ip, long parentIp) {
      other(cpu);
    }
  }
}
