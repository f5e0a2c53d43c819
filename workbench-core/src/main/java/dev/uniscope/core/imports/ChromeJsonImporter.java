package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.SchedState;
import dev.uniscope.core.analysis.timeline.TraceEvent;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads Chrome Trace Event Format JSON, array form or {@code {"traceEvents": [...]}} object form,
 * with Jackson's streaming parser.
 *
 * <p>A file written by {@code ChromeTraceExporter} (marked {@code "otherData": {"exporter":
 * "uniscope"}}) maps back to the events it came from: CPU slices to context switches, IRQ and call
 * slices to entry/exit pairs, state slices to wakeups, instants to timers, page faults and function
 * calls. Any other file maps to markers: X/B/E to begin/end per tid, i to instants, C to counters
 * (one per series; values rounded to integers), thread_name metadata to thread names; async, flow,
 * sample and object events are counted as ignored.
 *
 * <p>Events need not be sorted in the file, so they are collected (at most {@link
 * ImportOptions#maxEvents()}), nested per track and sorted before they reach the sink, in global
 * time order.
 */
public final class ChromeJsonImporter {
  static final int PID_CPUS = 1;
  static final int PID_IRQS = 2;
  static final int PID_FUNCTIONS = 3;
  static final int PID_STATES = 5;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(1 << 20)
                  .maxNumberLength(64)
                  .maxNameLength(1 << 16)
                  .build())
          .build();
  private static final int MAX_ARGS = 64;
  private static final BigDecimal MAX_MICROS = BigDecimal.valueOf(4_000_000_000_000_000L);

  private final ImportOptions options;
  private final List<ImportProblem> problems = new ArrayList<>();
  private final List<ChromeEvent> parsed = new ArrayList<>();
  private long records;
  private long skipped;
  private long ignored;
  private boolean ours;

  private ChromeJsonImporter(ImportOptions options) {
    this.options = options;
  }

  /**
   * Imports {@code in} into {@code sink}.
   *
   * @throws TraceImportException on malformed JSON or a bad event (unless {@link
   *     ImportOptions#skipBad()}, which keeps what parsed and reports the rest), or past a limit
   */
  public static ImportResult read(
      InputStream in, EventSink sink, FunctionTable functions, ImportOptions options) {
    ChromeJsonImporter r = new ChromeJsonImporter(options);
    r.parse(in);
    List<TraceEvent> events = new ChromeEventMapper(r.ours, functions).map(r.parsed);
    r.ignored += r.parsed.size() - countMapped(r.parsed, r.ours);
    if (events.size() > options.maxEvents()) {
      throw new TraceImportException(
          new ImportProblem("traceEvents", "more than " + options.maxEvents() + " events"));
    }
    events.sort(Comparator.comparingLong(TraceEvent::ts));
    for (TraceEvent e : events) {
      e.replay(sink);
    }
    sink.flush();
    return new ImportResult(
        r.records, events.size(), r.ignored, r.skipped, List.copyOf(r.problems));
  }

  private static long countMapped(List<ChromeEvent> events, boolean ours) {
    return events.stream().filter(e -> ChromeEventMapper.maps(e, ours)).count();
  }

  private void parse(InputStream in) {
    try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), in)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        events(p, "");
      } else if (t == JsonToken.START_OBJECT) {
        boolean found = false;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if ("traceEvents".equals(field) && v == JsonToken.START_ARRAY) {
            found = true;
            events(p, "traceEvents");
          } else if ("otherData".equals(field) && v == JsonToken.START_OBJECT) {
            otherData(p);
          } else {
            p.skipChildren();
          }
        }
        if (!found) {
          fatal(new ImportProblem("$", "no \"traceEvents\" array in the object"));
        }
      } else {
        fatal(new ImportProblem(where(p), "expected a JSON array or object"));
      }
    } catch (JacksonException e) {
      TokenStreamLocation loc = e.getLocation();
      String at = loc == null ? "input" : location(loc);
      fatal(new ImportProblem(at, "malformed JSON: " + e.getOriginalMessage()));
    }
  }

  private void otherData(JsonParser p) {
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      if ("exporter".equals(f) && v == JsonToken.VALUE_STRING && "uniscope".equals(p.getString())) {
        ours = true;
      } else {
        p.skipChildren();
      }
    }
  }

  /** Malformed JSON cannot be resynchronised: lenient imports keep what parsed before it. */
  private void fatal(ImportProblem problem) {
    if (!options.skipBad()) {
      throw new TraceImportException(problem);
    }
    skipped++;
    if (problems.size() < options.maxProblems()) {
      problems.add(problem);
    }
  }

  private void problem(ImportProblem problem) {
    if (!options.skipBad()) {
      throw new TraceImportException(problem);
    }
    skipped++;
    if (problems.size() < options.maxProblems()) {
      problems.add(problem);
    }
  }

  private static String where(JsonParser p) {
    return location(p.currentTokenLocation());
  }

  private static String location(TokenStreamLocation l) {
    return "byte "
        + l.getByteOffset()
        + " (line "
        + l.getLineNr()
        + ", column "
        + l.getColumnNr()
        + ")";
  }

  private void events(JsonParser p, String path) {
    int index = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        fatal(new ImportProblem(where(p), "unexpected end of input"));
        return;
      }
      String at = path + "[" + index + "]";
      records++;
      if (parsed.size() >= options.maxEvents()) {
        throw new TraceImportException(
            new ImportProblem(at, "more than " + options.maxEvents() + " events"));
      }
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        problem(new ImportProblem(at + " at " + where(p), "event is not an object"));
      } else {
        event(p, at, index);
      }
      index++;
    }
  }

  private void event(JsonParser p, String at, int index) {
    String ph = null;
    String name = null;
    String cat = "";
    BigDecimal ts = null;
    BigDecimal dur = null;
    long pid = 0;
    long tid = 0;
    Map<String, Object> args = Map.of();
    String bad = null;
    String badWhere = null;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      String loc = at + "." + field + " at " + where(p);
      switch (field) {
        case "ph" -> {
          if (v == JsonToken.VALUE_STRING && p.getString().length() == 1) {
            ph = p.getString();
          } else {
            bad = bad != null ? bad : "\"ph\" must be a one-character string";
            badWhere = badWhere != null ? badWhere : loc;
          }
        }
        case "name" -> name = v == JsonToken.VALUE_STRING ? p.getString() : name;
        case "cat" -> cat = v == JsonToken.VALUE_STRING ? p.getString() : cat;
        case "ts", "dur" -> {
          BigDecimal n = number(p, v);
          if (n == null) {
            bad = bad != null ? bad : "\"" + field + "\" must be a finite number of microseconds";
            badWhere = badWhere != null ? badWhere : loc;
          } else if (field.equals("ts")) {
            ts = n;
          } else {
            dur = n;
          }
        }
        case "pid", "tid" -> {
          long id = id(p, v);
          if (id == Long.MIN_VALUE) {
            bad = bad != null ? bad : "\"" + field + "\" must be an integer";
            badWhere = badWhere != null ? badWhere : loc;
          } else if (field.equals("pid")) {
            pid = id;
          } else {
            tid = id;
          }
        }
        case "args" -> {
          if (v == JsonToken.START_OBJECT) {
            args = args(p);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    if (bad == null && ph == null) {
      bad = "missing \"ph\"";
      badWhere = at;
    }
    char phase = ph == null ? '?' : ph.charAt(0);
    if (bad == null && phase != 'M' && ts == null) {
      bad = "missing \"ts\" for phase " + phase;
      badWhere = at;
    }
    if (bad == null && phase == 'X' && dur == null) {
      bad = "missing \"dur\" for a complete (X) event";
      badWhere = at;
    }
    if (bad == null && dur != null && dur.signum() < 0) {
      bad = "negative \"dur\"";
      badWhere = at;
    }
    if (bad != null) {
      problem(new ImportProblem(badWhere, bad));
      return;
    }
    parsed.add(
        new ChromeEvent(
            index, phase, name == null ? "" : name, cat, nanos(ts), nanos(dur), pid, tid, args));
  }

  private static long nanos(BigDecimal micros) {
    return micros == null
        ? 0
        : micros.movePointRight(3).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  private static BigDecimal number(JsonParser p, JsonToken v) {
    if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
      p.skipChildren();
      return null;
    }
    if (v == JsonToken.VALUE_NUMBER_FLOAT && p.isNaN()) {
      return null;
    }
    BigDecimal d = p.getDecimalValue();
    return d.abs().compareTo(MAX_MICROS) > 0 ? null : d;
  }

  private static long id(JsonParser p, JsonToken v) {
    if (v == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getLongValue();
      } catch (JacksonException e) {
        return Long.MIN_VALUE;
      }
    }
    if (v == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getString());
      } catch (NumberFormatException e) {
        return Long.MIN_VALUE;
      }
    }
    p.skipChildren();
    return Long.MIN_VALUE;
  }

  private static Map<String, Object> args(JsonParser p) {
    Map<String, Object> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String k = p.currentName();
      JsonToken v = p.nextToken();
      Object value =
          switch (v) {
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT ->
                p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (Object) p.getDoubleValue()
                    : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> {
              p.skipChildren();
              yield null;
            }
          };
      if (value != null && m.size() < MAX_ARGS) {
        m.put(k, value);
      }
    }
    return m;
  }

  /** {@code 0x...} hex, or a decimal number; {@code otherwise} if neither. */
  static long parseAddress(String s, long otherwise) {
    try {
      if (s.startsWith("0x") && s.length() > 2 && s.length() <= 18) {
        return Long.parseUnsignedLong(s.substring(2), 16);
      }
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** Map from phase-level Chrome events to Uniscope events; see the class comment. */
  static final class ChromeEventMapper {
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
     * Orders one track's complete events as properly nested begin/end pairs: by start, longer
     * first; an end is emitted before any begin at or after it, earliest end first (inner first on
     * ties), which also keeps overlapping, non-nested slices in time order.
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
}
