package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.CounterSeries;
import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.analysis.timeline.InstantKind;
import dev.uniscope.core.analysis.timeline.Instants;
import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.core.analysis.timeline.ThreadState;
import dev.uniscope.core.analysis.timeline.Timeline;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes a {@link Timeline} as Chrome Trace Event Format JSON (object form), streamed through
 * Jackson's generator so memory does not grow with the trace. Opens in Perfetto and
 * chrome://tracing.
 *
 * <p>Track mapping (the "pid"s are fixed, named by {@code process_name} metadata): pid {@value
 * #PID_CPUS} = running threads per CPU (tid = cpu) plus timer, page-fault and function-call
 * instants; {@value #PID_IRQS} = IRQ handlers per CPU; {@value #PID_FUNCTIONS} = function-graph
 * calls per CPU; {@value #PID_THREADS} = markers and counters per thread (tid = kernel tid);
 * {@value #PID_STATES} = thread states per thread. Each track's "X" slices nest strictly, because
 * each comes from one stack. Timestamps are microseconds with three decimals: nanoseconds exact.
 */
public final class ChromeTraceExporter {
  public static final int PID_CPUS = 1;
  public static final int PID_IRQS = 2;
  public static final int PID_FUNCTIONS = 3;
  public static final int PID_THREADS = 4;
  public static final int PID_STATES = 5;

  static final String CAT_SCHED = "sched";
  static final String CAT_IRQ = "irq";
  static final String CAT_FUNC = "func";
  static final String CAT_MARKER = "marker";
  static final String CAT_STATE = "state";
  static final String CAT_TIMER = "timer";
  static final String CAT_FAULT = "fault";
  static final String CAT_CALL = "func_call";
  static final String CAT_HEAP = "heap";

  private static final JsonFactory JSON = new JsonFactory();

  private ChromeTraceExporter() {}

  /** Writes the whole timeline; the stream is flushed, not closed. */
  public static void write(Timeline timeline, FunctionNames functions, OutputStream out) {
    Map<Integer, String> names = new TreeMap<>(timeline.threadNames());
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), new NonClosing(out))) {
      g.writeStartObject();
      g.writeStringProperty("displayTimeUnit", "ns");
      g.writeObjectPropertyStart("otherData");
      g.writeStringProperty("exporter", "uniscope");
      g.writeEndObject();
      g.writeArrayPropertyStart("traceEvents");
      process(g, PID_CPUS, "CPUs");
      process(g, PID_IRQS, "IRQs");
      process(g, PID_FUNCTIONS, "Function calls");
      process(g, PID_THREADS, "Threads");
      process(g, PID_STATES, "Thread states");
      for (int cpu = 0; cpu < timeline.cpuCount(); cpu++) {
        writeCpu(g, timeline, functions, names, cpu);
      }
      writeThreads(g, timeline, names);
      writeInstants(g, timeline, functions);
      writeCounters(g, timeline);
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void process(JsonGenerator g, int pid, String name) {
    g.writeStartObject();
    g.writeStringProperty("name", "process_name");
    g.writeStringProperty("ph", "M");
    g.writeNumberProperty("pid", pid);
    g.writeNumberProperty("tid", 0);
    g.writeObjectPropertyStart("args");
    g.writeStringProperty("name", name);
    g.writeEndObject();
    g.writeEndObject();
    g.writeStartObject();
    g.writeStringProperty("name", "process_sort_index");
    g.writeStringProperty("ph", "M");
    g.writeNumberProperty("pid", pid);
    g.writeNumberProperty("tid", 0);
    g.writeObjectPropertyStart("args");
    g.writeNumberProperty("sort_index", pid);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void threadName(JsonGenerator g, int pid, int tid, String name) {
    g.writeStartObject();
    g.writeStringProperty("name", "thread_name");
    g.writeStringProperty("ph", "M");
    g.writeNumberProperty("pid", pid);
    g.writeNumberProperty("tid", tid);
    g.writeObjectPropertyStart("args");
    g.writeStringProperty("name", name);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeCpu(
      JsonGenerator g, Timeline t, FunctionNames fn, Map<Integer, String> names, int cpu) {
    Spans slices = t.cpuSlices(cpu);
    Spans irqs = t.irqSpans(cpu);
    Spans graph = t.graphSpans(cpu);
    if (slices.size() + irqs.size() + graph.size() == 0) {
      return;
    }
    threadName(g, PID_CPUS, cpu, "cpu" + cpu);
    Spans states = t.threadStates();
    for (int i = 0; i < slices.size(); i++) {
      int tid = (int) slices.key(i);
      complete(g, PID_CPUS, cpu, CAT_SCHED, taskName(names, tid), slices, i);
      g.writeObjectPropertyStart("args");
      g.writeNumberProperty("tid", tid);
      if ((slices.flags(i) & Spans.END_MISSING) == 0) {
        g.writeStringProperty("end_state", endState(states, tid, slices.end(i)));
      }
      flagArgs(g, slices.flags(i));
      g.writeEndObject();
      g.writeEndObject();
    }
    if (irqs.size() > 0) {
      threadName(g, PID_IRQS, cpu, "cpu" + cpu + " irq");
    }
    for (int i = 0; i < irqs.size(); i++) {
      complete(g, PID_IRQS, cpu, CAT_IRQ, "irq " + irqs.key(i), irqs, i);
      g.writeObjectPropertyStart("args");
      g.writeNumberProperty("vector", irqs.key(i));
      g.writeNumberProperty("depth", irqs.depth(i));
      flagArgs(g, irqs.flags(i));
      g.writeEndObject();
      g.writeEndObject();
    }
    if (graph.size() > 0) {
      threadName(g, PID_FUNCTIONS, cpu, "cpu" + cpu + " calls");
    }
    for (int i = 0; i < graph.size(); i++) {
      complete(g, PID_FUNCTIONS, cpu, CAT_FUNC, fn.nameOrHex(graph.key(i)), graph, i);
      g.writeObjectPropertyStart("args");
      g.writeStringProperty("ip", "0x" + Long.toHexString(graph.key(i)));
      g.writeNumberProperty("depth", graph.depth(i));
      g.writeNumberProperty("tid", graph.tid(i));
      flagArgs(g, graph.flags(i));
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  private static void writeThreads(JsonGenerator g, Timeline t, Map<Integer, String> names) {
    Spans markers = t.markerSlices();
    Spans states = t.threadStates();
    TreeSet<Integer> tids = new TreeSet<>(names.keySet());
    for (int i = 0; i < markers.size(); i++) {
      tids.add(markers.tid(i));
    }
    Instants in = t.instants();
    for (int i = 0; i < in.size(); i++) {
      if (in.kind(i) == InstantKind.MARKER) {
        tids.add(in.tid(i));
      }
    }
    for (int tid : tids) {
      threadName(g, PID_THREADS, tid, taskName(names, tid));
    }
    for (int i = 0; i < markers.size(); i++) {
      complete(g, PID_THREADS, markers.tid(i), CAT_MARKER, t.name(markers.key(i)), markers, i);
      g.writeObjectPropertyStart("args");
      g.writeNumberProperty("cpu", markers.cpu(i));
      flagArgs(g, markers.flags(i));
      g.writeEndObject();
      g.writeEndObject();
    }
    TreeSet<Integer> stateTids = new TreeSet<>();
    for (int i = 0; i < states.size(); i++) {
      stateTids.add(states.tid(i));
    }
    for (int tid : stateTids) {
      threadName(g, PID_STATES, tid, taskName(names, tid));
    }
    ThreadState[] all = ThreadState.values();
    for (int i = 0; i < states.size(); i++) {
      String state = all[(int) states.key(i)].name().toLowerCase(java.util.Locale.ROOT);
      complete(g, PID_STATES, states.tid(i), CAT_STATE, state, states, i);
      g.writeObjectPropertyStart("args");
      g.writeNumberProperty("cpu", states.cpu(i));
      flagArgs(g, states.flags(i));
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  private static void writeInstants(JsonGenerator g, Timeline t, FunctionNames fn) {
    Instants in = t.instants();
    for (int i = 0; i < in.size(); i++) {
      InstantKind kind = in.kind(i);
      g.writeStartObject();
      switch (kind) {
        case MARKER -> {
          g.writeStringProperty("name", t.name(in.key(i)));
          g.writeStringProperty("cat", CAT_MARKER);
        }
        case TIMER -> {
          g.writeStringProperty("name", "timer " + fn.nameOrHex(in.value(i)));
          g.writeStringProperty("cat", CAT_TIMER);
        }
        case PAGE_FAULT -> {
          g.writeStringProperty("name", "page fault");
          g.writeStringProperty("cat", CAT_FAULT);
        }
        case FUNCTION_CALL -> {
          g.writeStringProperty("name", fn.nameOrHex(in.key(i)));
          g.writeStringProperty("cat", CAT_CALL);
        }
      }
      g.writeStringProperty("ph", "i");
      g.writeStringProperty("s", "t");
      g.writeName("ts");
      g.writeNumber(Micros.micros(in.ts(i)));
      boolean marker = kind == InstantKind.MARKER;
      g.writeNumberProperty("pid", marker ? PID_THREADS : PID_CPUS);
      g.writeNumberProperty("tid", marker ? in.tid(i) : in.cpu(i));
      g.writeObjectPropertyStart("args");
      g.writeNumberProperty("cpu", in.cpu(i));
      switch (kind) {
        case MARKER -> {}
        case TIMER -> {
          g.writeStringProperty("timer", hex(in.key(i)));
          g.writeStringProperty("function", hex(in.value(i)));
        }
        case PAGE_FAULT -> {
          g.writeStringProperty("address", hex(in.key(i)));
          g.writeStringProperty("ip", hex(in.value(i)));
          g.writeNumberProperty("error_code", in.aux(i));
        }
        case FUNCTION_CALL -> {
          g.writeStringProperty("ip", hex(in.key(i)));
          g.writeStringProperty("parent_ip", hex(in.value(i)));
        }
      }
      if (!marker) {
        g.writeNumberProperty("tid", in.tid(i));
      }
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  private static void writeCounters(JsonGenerator g, Timeline t) {
    for (CounterSeries c : t.counters()) {
      boolean heap = Timeline.HEAP_LIVE_BYTES.equals(c.name());
      for (int i = 0; i < c.size(); i++) {
        g.writeStartObject();
        g.writeStringProperty("name", c.name());
        g.writeStringProperty("cat", heap ? CAT_HEAP : CAT_MARKER);
        g.writeStringProperty("ph", "C");
        g.writeName("ts");
        g.writeNumber(Micros.micros(c.ts()[i]));
        g.writeNumberProperty("pid", PID_THREADS);
        g.writeNumberProperty("tid", 0);
        g.writeObjectPropertyStart("args");
        g.writeNumberProperty("value", c.values()[i]);
        g.writeEndObject();
        g.writeEndObject();
      }
    }
  }

  /** Starts an "X" event and leaves the object open for args. */
  private static void complete(
      JsonGenerator g, int pid, int tid, String cat, String name, Spans s, int i) {
    g.writeStartObject();
    g.writeStringProperty("name", name == null ? "" : name);
    g.writeStringProperty("cat", cat);
    g.writeStringProperty("ph", "X");
    g.writeName("ts");
    g.writeNumber(Micros.micros(s.start(i)));
    g.writeName("dur");
    g.writeNumber(Micros.micros(Math.max(0, s.duration(i))));
    g.writeNumberProperty("pid", pid);
    g.writeNumberProperty("tid", tid);
  }

  private static void flagArgs(JsonGenerator g, int flags) {
    if ((flags & Spans.START_MISSING) != 0) {
      g.writeBooleanProperty("start_missing", true);
    }
    if ((flags & Spans.END_MISSING) != 0) {
      g.writeBooleanProperty("end_missing", true);
    }
    if ((flags & Spans.INFERRED) != 0) {
      g.writeBooleanProperty("inferred", true);
    }
    if ((flags & Spans.START_FROM_DURATION) != 0) {
      g.writeBooleanProperty("entry_lost", true);
    }
  }

  /** How the thread left the CPU: the state interval that starts when the slice ends. */
  private static String endState(Spans states, int tid, long ts) {
    for (int i = states.firstStartingAtOrAfter(ts);
        i < states.size() && states.start(i) == ts;
        i++) {
      if (states.tid(i) == tid) {
        ThreadState s = ThreadState.values()[(int) states.key(i)];
        switch (s) {
          case RUNNABLE_PREEMPTED, RUNNABLE_WOKEN:
            return "R";
          case BLOCKED:
            return "S";
          case EXITED:
            return "X";
          case RUNNING, UNKNOWN:
            break;
        }
      }
    }
    return "R";
  }

  static String taskName(Map<Integer, String> names, int tid) {
    String n = names.get(tid);
    if (n != null) {
      return n;
    }
    return tid == 0 ? "idle" : "tid " + tid;
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
