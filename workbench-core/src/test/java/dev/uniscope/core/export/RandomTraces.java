package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.core.analysis.timeline.Timeline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * Random but well-formed captures: per CPU, time moves forward in whole microseconds (so ftrace's
 * 6-decimal timestamps are exact), IRQs and calls nest, markers balance within a running slice, and
 * some spans are left open at the end as in a truncated capture.
 */
public final class RandomTraces {
  public static final FunctionTable FUNCTIONS = new FunctionTable();
  private static final long[] IPS = new long[12];

  static {
    for (int i = 0; i < IPS.length; i++) {
      IPS[i] = 0xffffffff81000000L + 0x100L * i;
      FUNCTIONS.define(IPS[i], "fn_" + i);
    }
  }

  private RandomTraces() {}

  public static EventLog generate(long seed, int steps, int cpus) {
    Random r = new Random(seed);
    EventLog log = new EventLog();
    long start = 1_000_000_000L + r.nextInt(1000) * 1000L;
    for (int tid = 1; tid <= 6; tid++) {
      log.threadName(start, 0, tid, "t" + tid);
    }
    for (int cpu = 0; cpu < cpus; cpu++) {
      long ts = start;
      int current = r.nextInt(3) == 0 ? -1 : 0;
      Deque<Integer> irqs = new ArrayDeque<>();
      Deque<long[]> calls = new ArrayDeque<>(); // {ip, entryTs}
      Deque<String> marks = new ArrayDeque<>();
      List<Long> live = new ArrayList<>();
      for (int s = 0; s < steps; s++) {
        ts += 1000L * (r.nextInt(50) + 1);
        int op = r.nextInt(15);
        switch (op) {
          case 0, 1 -> {
            if (!calls.isEmpty() || !marks.isEmpty()) {
              break; // switch only at call depth 0 and with markers closed
            }
            int next = r.nextInt(7);
            int state = r.nextInt(3);
            if (current == next) {
              next = (next + 1) % 7;
            }
            log.schedSwitch(ts, cpu, Math.max(current, 0), state, 120, next, 120);
            current = next;
          }
          case 2 -> log.schedWakeup(ts, cpu, 1 + r.nextInt(6), 120, r.nextInt(cpus));
          case 3 -> {
            int v = 32 + r.nextInt(8);
            irqs.push(v);
            log.irqEntry(ts, cpu, v);
          }
          case 4 -> {
            if (!irqs.isEmpty()) {
              log.irqExit(ts, cpu, irqs.pop());
            }
          }
          case 5, 6 -> {
            long ip = IPS[r.nextInt(IPS.length)];
            log.graphEntry(ts, cpu, ip, calls.size());
            calls.push(new long[] {ip, ts});
          }
          case 7, 8 -> {
            if (!calls.isEmpty()) {
              long[] c = calls.pop();
              log.graphExit(ts, cpu, c[0], calls.size(), ts - c[1]);
            }
          }
          case 9 -> {
            if (current > 0) {
              String name = "m" + r.nextInt(4) + (r.nextBoolean() ? " x" : "");
              marks.push(name);
              log.markerBegin(ts, cpu, current, name);
            }
          }
          case 10 -> {
            if (current > 0 && !marks.isEmpty()) {
              log.markerEnd(ts, cpu, current, marks.pop());
            } else if (current > 0) {
              log.markerInstant(ts, cpu, current, "i" + r.nextInt(3));
            }
          }
          case 11 -> {
            if (current > 0) {
              log.markerCounter(ts, cpu, current, "c" + r.nextInt(2), r.nextInt(2000) - 1000);
            }
          }
          case 12 -> log.funcEntry(ts, cpu, IPS[r.nextInt(IPS.length)], IPS[r.nextInt(IPS.length)]);
          case 13 -> {
            if (live.isEmpty() || r.nextBoolean()) {
              long ptr = 0xffff888000000000L + 64L * r.nextInt(1 << 20);
              live.add(ptr);
              log.alloc(ts, cpu, ptr, 8 + r.nextInt(4096), IPS[r.nextInt(IPS.length)]);
            } else {
              log.free(ts, cpu, live.removeLast(), IPS[0]);
            }
          }
          default -> {
            if (r.nextBoolean()) {
              log.pageFault(
                  ts,
                  cpu,
                  r.nextLong() & 0x7fffffffffffL,
                  IPS[r.nextInt(IPS.length)],
                  r.nextInt(32));
            } else {
              log.timerExpire(
                  ts, cpu, 0xffff888000100000L + r.nextInt(100) * 64L, IPS[r.nextInt(IPS.length)]);
            }
          }
        }
      }
    }
    return log;
  }

  /** Closed spans described by time and a source-neutral key, for comparing timelines. */
  public static List<String> closed(Spans s, LongFunction<String> key) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      if (s.complete(i)) {
        out.add(
            s.start(i)
                + "+"
                + s.duration(i)
                + " "
                + key.apply(s.key(i))
                + " d"
                + s.depth(i)
                + " t"
                + s.tid(i));
      }
    }
    out.sort(null);
    return out;
  }

  /** Everything a round trip must keep, per CPU and per thread, named not numbered. */
  public static List<String> summary(Timeline t, FunctionNames fn) {
    List<String> out = new ArrayList<>();
    for (int cpu = 0; cpu < t.cpuCount(); cpu++) {
      int c = cpu;
      closed(t.cpuSlices(cpu), k -> "run" + k).forEach(x -> out.add("cpu" + c + " " + x));
      closed(t.irqSpans(cpu), k -> "irq" + k).forEach(x -> out.add("cpu" + c + " " + x));
      closed(t.graphSpans(cpu), fn::nameOrHex).forEach(x -> out.add("cpu" + c + " " + x));
    }
    closed(t.markerSlices(), k -> t.name(k)).forEach(x -> out.add("marker " + x));
    out.add("instants " + t.instants().size());
    t.counters().forEach(c -> out.add("counter " + c.name() + " " + c.size()));
    return out;
  }
}
