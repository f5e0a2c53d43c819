package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.export.FtraceFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Linux ftrace text (the {@code trace} / {@code trace_pipe} files, {@code trace-cmd report}
 * output): the function tracer layout with tracepoint lines (sched_switch, sched_wakeup, IRQ,
 * timer, page fault, kmalloc/kfree, tracing_mark_write), and the function_graph layout (with or
 * without the abstime and proc columns). Function names become addresses through a {@link
 * FunctionTable}.
 *
 * <p>Events reach the sink in per-CPU time order (a leaf call's exit is sent right after its entry,
 * at entry + duration). Without an abstime column, function_graph times are reconstructed per CPU
 * from the durations: relative, approximate.
 */
public final class FtraceTextImporter {
  private static final Pattern TRACER = Pattern.compile("^#\\s*tracer:\\s*(\\S+)\\s*$");
  private static final Pattern GRAPH_LINE =
      Pattern.compile(
          "^\\s*+(?:(\\d{1,11})\\.(\\d{1,9})\\s*+\\|\\s*+)?(\\d{1,5})\\)\\s*+"
              + "(?:([^|]*?-\\d{1,10})\\s*+\\|)?\\s*+([+!#*@$])?\\s*+"
              + "(?:(\\d{1,15})(?:\\.(\\d{1,9}))?\\s*+us\\s*+)?\\|(.*)$");
  private static final Pattern GRAPH_SWITCH = Pattern.compile("^\\s*\\d{1,5}\\)\\s+[^|]*=>[^|]*$");
  private static final Pattern DASHES = Pattern.compile("^\\s*-{10,}\\s*$");
  private static final Pattern ENTRY = Pattern.compile("^(\\S.*)\\(\\) \\{$");
  private static final Pattern LEAF = Pattern.compile("^(\\S.*)\\(\\);$");
  private static final Pattern EXIT = Pattern.compile("^\\}(?: /\\* (.+) \\*/)?$");
  private static final Pattern COMMENT = Pattern.compile("^/\\* (.*) \\*/$");
  private static final int MAX_CPU = 4095;

  private final EventSink sink;
  private final FunctionTable functions;
  private final ImportOptions options;
  private final LineTasks tasks;
  private final FtraceEventParser events;
  private final List<ImportProblem> problems = new ArrayList<>();
  private final FunctionLine split = new FunctionLine();
  private FtraceFormat format;
  private long lineNo;
  private long records;
  private long produced;
  private long ignored;
  private long skipped;
  private final EventCounter counter;

  // function_graph: per-CPU open calls and, without abstime, a synthetic clock.
  private long[][] graphIp = new long[0][];
  private long[][] graphStart = new long[0][];
  private int[] graphDepth = new int[0];
  private long[] clock = new long[0];

  private FtraceTextImporter(EventSink sink, FunctionTable functions, ImportOptions options) {
    this.counter = new EventCounter(sink, options.maxEvents());
    this.sink = counter;
    this.functions = functions;
    this.options = options;
    this.tasks = new LineTasks(this.sink);
    this.events = new FtraceEventParser(this.sink, functions, tasks);
  }

  /**
   * Imports {@code in} into {@code sink}.
   *
   * @throws TraceImportException at the first bad line (unless {@link ImportOptions#skipBad()}), or
   *     when a limit of {@code options} is exceeded
   */
  public static ImportResult read(
      InputStream in, EventSink sink, FunctionTable functions, ImportOptions options) {
    FtraceTextImporter r = new FtraceTextImporter(sink, functions, options);
    try {
      r.run(new BoundedLineReader(in, options.maxLineLength()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (EventCounter.LimitExceeded e) {
      throw new TraceImportException(
          new ImportProblem("line " + r.lineNo, "more than " + options.maxEvents() + " events"));
    }
    sink.flush();
    return new ImportResult(
        r.records, r.counter.count, r.ignored, r.skipped, List.copyOf(r.problems));
  }

  private void run(BoundedLineReader lines) throws IOException {
    String line;
    while ((line = lines.next()) != null) {
      lineNo = lines.lineNumber();
      if (lines.tooLong()) {
        problem("line longer than " + options.maxLineLength() + " bytes");
        continue;
      }
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher t = TRACER.matcher(line);
        if (t.matches() && format == null) {
          format =
              "function_graph".equals(t.group(1))
                  ? FtraceFormat.FUNCTION_GRAPH
                  : FtraceFormat.FUNCTION;
        }
        continue;
      }
      if (line.startsWith("cpus=") || line.startsWith("CPU:")) {
        continue;
      }
      records++;
      if (format == null) {
        format =
            GRAPH_LINE.matcher(line).matches()
                ? FtraceFormat.FUNCTION_GRAPH
                : FtraceFormat.FUNCTION;
      }
      try {
        if (format == FtraceFormat.FUNCTION_GRAPH) {
          graphLine(line);
        } else {
          functionLine(line);
        }
      } catch (NumberFormatException | ArithmeticException e) {
        problem("number out of range");
      }
    }
  }

  private void problem(String message) {
    ImportProblem p = new ImportProblem("line " + lineNo, message);
    if (!options.skipBad()) {
      throw new TraceImportException(p);
    }
    skipped++;
    if (problems.size() < options.maxProblems()) {
      problems.add(p);
    }
  }

  private static long nanos(String secs, String frac) {
    long s = Long.parseLong(secs);
    if (s > 9_000_000_000L) {
      throw new NumberFormatException("timestamp");
    }
    long f = frac == null ? 0 : Long.parseLong(frac);
    for (int i = frac == null ? 9 : frac.length(); i < 9; i++) {
      f *= 10;
    }
    return s * 1_000_000_000L + f;
  }

  private void functionLine(String line) {
    if (!split.parse(line)) {
      problem("not an ftrace line (expected 'comm-pid [cpu] flags secs.usecs: ...')");
      return;
    }
    if (split.cpu > MAX_CPU) {
      problem("cpu " + split.cpu + " out of range");
      return;
    }
    String body = split.body;
    tasks.line(split.ts, split.cpu, split.comm, split.pid, body.startsWith("sched_switch: "));
    body(split.ts, split.cpu, split.pid, body, false);
  }

  private void body(long ts, int cpu, int tid, String text, boolean comment) {
    switch (events.parse(ts, cpu, tid, text, comment)) {
      case EVENT -> {}
      case IGNORED -> ignored++;
      case BAD -> problem(events.error);
    }
  }

  private void graphLine(String line) {
    if (DASHES.matcher(line).matches()
        || GRAPH_SWITCH.matcher(line).matches()
        || line.contains("==========>")
        || line.contains("<==========")) {
      ignored++;
      return;
    }
    Matcher m = GRAPH_LINE.matcher(line);
    if (!m.matches()) {
      problem(
          "not a function_graph line (expected '[secs.usecs |] cpu) [task |] [dur us] | call')");
      return;
    }
    int cpu = Integer.parseInt(m.group(3));
    if (cpu > MAX_CPU) {
      problem("cpu " + cpu + " out of range");
      return;
    }
    ensureCpu(cpu);
    boolean abs = m.group(1) != null;
    long ts = abs ? nanos(m.group(1), m.group(2)) : clock[cpu];
    int tid = tasks.current(cpu);
    if (m.group(4) != null) {
      String proc = m.group(4).strip();
      int dash = proc.lastIndexOf('-');
      tid = Integer.parseInt(proc.substring(dash + 1));
      tasks.line(
          ts,
          cpu,
          proc.substring(0, dash).strip(),
          tid,
          m.group(8).strip().startsWith("/* sched_switch: "));
    }
    long dur = -1;
    if (m.group(6) != null) {
      dur = Math.multiplyExact(Long.parseLong(m.group(6)), 1000L);
      if (m.group(7) != null) {
        String f = m.group(7);
        long frac = Long.parseLong(f);
        for (int i = f.length(); i < 3; i++) {
          frac *= 10;
        }
        for (int i = f.length(); i > 3; i--) {
          frac /= 10;
        }
        dur += frac;
      }
    }
    String call = m.group(8).strip();
    Matcher c;
    if ((c = ENTRY.matcher(call)).matches()) {
      long ip = functions.intern(c.group(1));
      int d = graphDepth[cpu];
      if (d >= 1024) {
        problem("call depth above 1024");
        return;
      }
      sink.graphEntry(ts, cpu, ip, d);
      push(cpu, ip, ts);
    } else if ((c = LEAF.matcher(call)).matches()) {
      if (dur < 0) {
        problem("leaf call without a duration");
        return;
      }
      long ip = functions.intern(c.group(1));
      int d = graphDepth[cpu];
      sink.graphEntry(ts, cpu, ip, d);
      long end = Math.addExact(ts, dur);
      sink.graphExit(end, cpu, ip, d, dur);
      clock[cpu] = Math.max(clock[cpu], end);
    } else if ((c = EXIT.matcher(call)).matches()) {
      if (dur < 0) {
        problem("return without a duration");
        return;
      }
      exit(cpu, c.group(1), abs ? ts : -1, dur);
    } else if ((c = COMMENT.matcher(call)).matches()) {
      body(ts, cpu, tid, c.group(1), true);
    } else {
      problem("unrecognised call column '" + shorten(call) + "'");
    }
  }

  private void exit(int cpu, String name, long tsOrUnknown, long dur) {
    int d = graphDepth[cpu];
    long ip;
    int k = d - 1;
    if (name != null) {
      ip = functions.intern(name);
      while (k >= 0 && graphIp[cpu][k] != ip) {
        k--;
      }
    } else if (k >= 0) {
      ip = graphIp[cpu][k];
    } else {
      ip = functions.intern("[unknown]");
    }
    long ts;
    if (tsOrUnknown >= 0) {
      ts = tsOrUnknown;
    } else {
      long start = k >= 0 ? graphStart[cpu][k] : clock[cpu];
      ts = Math.max(clock[cpu], Math.addExact(start, dur));
    }
    // Calls above the match lost their returns: the timeline closes them; keep our stack in step.
    // An exit matching nothing open (its entry predates the capture) leaves the stack alone.
    int depth = k >= 0 ? k : d;
    graphDepth[cpu] = depth;
    sink.graphExit(ts, cpu, ip, depth, dur);
    clock[cpu] = Math.max(clock[cpu], ts);
  }

  private void ensureCpu(int cpu) {
    if (cpu < graphDepth.length) {
      return;
    }
    int n = cpu + 1;
    int old = graphDepth.length;
    graphIp = Arrays.copyOf(graphIp, n);
    graphStart = Arrays.copyOf(graphStart, n);
    graphDepth = Arrays.copyOf(graphDepth, n);
    clock = Arrays.copyOf(clock, n);
    for (int i = old; i < n; i++) {
      graphIp[i] = new long[16];
      graphStart[i] = new long[16];
    }
  }

  private void push(int cpu, long ip, long ts) {
    int d = graphDepth[cpu];
    if (d == graphIp[cpu].length) {
      graphIp[cpu] = Arrays.copyOf(graphIp[cpu], d * 2);
      graphStart[cpu] = Arrays.copyOf(graphStart[cpu], d * 2);
    }
    graphIp[cpu][d] = ip;
    graphStart[cpu][d] = ts;
    graphDepth[cpu] = d + 1;
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
