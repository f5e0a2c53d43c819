package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.SchedState;
import dev.uniscope.core.analysis.timeline.TraceEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Maps parsed Chrome events to Uniscope events: by track for files this workbench wrote (see {@code
 * ChromeTraceExporter}), to markers for any other file.
 */
final class ChromeEventMapper {
  static final int PID_CPUS = 1;
  static final int PID_IRQS = 2;
  static final int PID_FUNCTIONS = 3;
  static final int PID_STATES = 5;

  private final boolean ours;
  private final FunctionTable functions;
  private final List<TraceEvent> out = new ArrayList<>();

  ChromeEventMapper(boolean ours, FunctionTable functions) {
    this.ours = ours;
    this.functions = functions;
  }

  static boolean maps(ChromeEvent e, boolean ours) {
    return switch (e.ph()) {
      case 'X', 'B', 'E', 'i', 'I' -> true;
      case 'C' -> !"heap".equals(e.cat());
      case 'M' -> "thread_name".equals(e.name());
      default -> false;
    };
  }

  List<TraceEvent> map(List<ChromeEvent> events) {
    Map<Long, List<ChromeEvent>> sched = new HashMap<>();
    Map<String, List<ChromeEvent>> tracks = new LinkedHashMap<>();
    for (ChromeEvent e : events) {
      switch (e.ph()) {
        case 'X' -> {
          if (ours && e.pid() == PID_CPUS && "sched".equals(e.cat())) {
            sched.computeIfAbsent(e.tid(), k -> new ArrayList<>()).add(e);
          } else {
            tracks.computeIfAbsent(e.pid() + "/" + e.tid(), k -> new ArrayList<>()).add(e);
          }
        }
        case 'B' -> out.add(new TraceEvent.MarkerBegin(e.ts(), cpu(e), (int) e.tid(), e.name()));
        case 'E' -> out.add(new TraceEvent.MarkerEnd(e.ts(), cpu(e), (int) e.tid(), e.name()));
        case 'i', 'I' -> instant(e);
        case 'C' -> counter(e);
        case 'M' -> {
          boolean cpuTrack =
              ours && (e.pid() == PID_CPUS || e.pid() == PID_IRQS || e.pid() == PID_FUNCTIONS);
          String n = e.argString("name");
          if ("thread_name".equals(e.name()) && n != null && !cpuTrack) {
            out.add(new TraceEvent.ThreadName(0, 0, (int) e.tid(), n));
          }
        }
        default -> {}
      }
    }
    sched.forEach((cpu, slices) -> schedule(cpu, slices));
    tracks.values().forEach(this::nest);
    return out;
  }

  /**
   * Orders one track's complete events as properly nested begin/end pairs: by start, longer first;
   * an end is emitted before any begin at or after it, earliest end first (inner first on ties),
   * which also keeps overlapping, non-nested slices in time order.
   */
  private void nest(List<ChromeEvent> xs) {
    xs.sort(
        Comparator.comparingLong(ChromeEvent::ts)
            .thenComparing(Comparator.comparingLong(ChromeEvent::dur).reversed())
            .thenComparingInt(ChromeEvent::index));
    PriorityQueue<ChromeEvent> open =
        new PriorityQueue<>(
            Comparator.comparingLong((ChromeEvent e) -> e.ts() + e.dur())
                .thenComparing(Comparator.comparingLong(ChromeEvent::ts).reversed())
                .thenComparing(Comparator.comparingInt(ChromeEvent::index).reversed()));
    for (ChromeEvent x : xs) {
      while (!open.isEmpty()
          && open.peek().ts() + open.peek().dur() <= x.ts()
          && !(open.peek().dur() == 0 && x.ts() == open.peek().ts() && x.dur() > 0)) {
        complete(open.poll(), false);
      }
      complete(x, true);
      open.add(x);
    }
    while (!open.isEmpty()) {
      complete(open.poll(), false);
    }
  }

  private static int cpu(ChromeEvent e) {
    long c = e.argLong("cpu", 0);
    return c < 0 || c > 4095 ? 0 : (int) c;
  }

  /** The begin half ({@code begin}) or the end half of a complete event. */
  private void complete(ChromeEvent e, boolean begin) {
    long end = e.ts() + e.dur();
    boolean startMissing = !begin || e.argTrue("start_missing") || e.argTrue("entry_lost");
    boolean endMissing = begin || e.argTrue("end_missing");
    int track = (int) Math.max(0, Math.min(4095, e.tid()));
    if (ours && e.pid() == PID_IRQS && "irq".equals(e.cat())) {
      int vector = (int) e.argLong("vector", 0);
      if (!startMissing) {
        out.add(new TraceEvent.IrqEntry(e.ts(), track, vector));
      }
      if (!endMissing) {
        out.add(new TraceEvent.IrqExit(end, track, vector));
      }
    } else if (ours && e.pid() == PID_FUNCTIONS && "func".equals(e.cat())) {
      long ip = e.argLong("ip", Long.MIN_VALUE);
      if (ip == Long.MIN_VALUE) {
        ip = functions.intern(e.name());
      } else if (functions.nameOf(ip) == null) {
        functions.define(ip, e.name());
      }
      int depth = (int) e.argLong("depth", 0);
      if (!startMissing) {
        out.add(new TraceEvent.GraphEntry(e.ts(), track, ip, depth));
      }
      if (!endMissing) {
        out.add(new TraceEvent.GraphExit(end, track, ip, depth, e.dur()));
      }
    } else if (ours && e.pid() == PID_STATES) {
      if ("state".equals(e.cat()) && "runnable_woken".equals(e.name()) && !startMissing) {
        out.add(new TraceEvent.SchedWakeup(e.ts(), cpu(e), (int) e.tid(), 0, cpu(e)));
      }
    } else {
      if (!startMissing) {
        out.add(new TraceEvent.MarkerBegin(e.ts(), cpu(e), (int) e.tid(), e.name()));
      }
      if (!endMissing) {
        out.add(new TraceEvent.MarkerEnd(end, cpu(e), (int) e.tid(), e.name()));
      }
    }
  }

  /** CPU slices back to switches: a slice starting where the previous ended is a switch. */
  private void schedule(long cpuId, List<ChromeEvent> slices) {
    int cpu = (int) Math.max(0, Math.min(4095, cpuId));
    slices.sort(Comparator.comparingLong(ChromeEvent::ts).thenComparingInt(ChromeEvent::index));
    ChromeEvent prev = null;
    for (ChromeEvent s : slices) {
      int tid = (int) s.argLong("tid", 0);
      boolean continues =
          prev != null
              && !s.argTrue("inferred")
              && prev.ts() + prev.dur() == s.ts()
              && prev.argString("end_state") != null;
      if (continues) {
        int state =
            switch (prev.argString("end_state")) {
              case "R" -> SchedState.RUNNABLE;
              case "X" -> SchedState.EXITED;
              default -> SchedState.BLOCKED;
            };
        out.add(
            new TraceEvent.SchedSwitch(
                s.ts(), cpu, (int) prev.argLong("tid", 0), state, 0, tid, 0));
      } else if (!s.argTrue("start_missing")) {
        // A slice cut by the capture's start is rebuilt by the switch that ends it.
        out.add(new TraceEvent.CurrentTask(s.ts(), cpu, tid));
      }
      prev = s;
    }
  }

  private void instant(ChromeEvent e) {
    int cpu = cpu(e);
    switch (ours ? e.cat() : "") {
      case "timer" ->
          out.add(
              new TraceEvent.TimerExpire(
                  e.ts(), cpu, e.argLong("timer", 0), e.argLong("function", 0)));
      case "fault" ->
          out.add(
              new TraceEvent.PageFault(
                  e.ts(),
                  cpu,
                  e.argLong("address", 0),
                  e.argLong("ip", 0),
                  (int) e.argLong("error_code", 0)));
      case "func_call" -> {
        long ip = e.argLong("ip", Long.MIN_VALUE);
        if (ip == Long.MIN_VALUE) {
          ip = functions.intern(e.name());
        } else if (functions.nameOf(ip) == null) {
          functions.define(ip, e.name());
        }
        out.add(new TraceEvent.FuncEntry(e.ts(), cpu, ip, e.argLong("parent_ip", 0)));
      }
      default -> out.add(new TraceEvent.MarkerInstant(e.ts(), cpu, (int) e.tid(), e.name()));
    }
  }

  private void counter(ChromeEvent e) {
    if ("heap".equals(e.cat())) {
      return;
    }
    boolean single = e.args().size() == 1;
    for (Map.Entry<String, Object> a : e.args().entrySet()) {
      long v;
      if (a.getValue() instanceof Long l) {
        v = l;
      } else if (a.getValue() instanceof Double d && Double.isFinite(d)) {
        v = Math.round(d);
      } else {
        continue;
      }
      String name = single && a.getKey().equals("value") ? e.name() : e.name() + "." + a.getKey();
      out.add(new TraceEvent.MarkerCounter(e.ts(), cpu(e), (int) e.tid(), name, v));
    }
  }
}
