package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.SchedState;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the body of one ftrace line ({@code event: fields}, or {@code func <-parent}) into sink
 * calls. Shared by the function and function_graph layouts (the latter carries events in comments).
 */
final class FtraceEventParser {
  /** What a body turned out to be. */
  enum Outcome {
    EVENT,
    IGNORED,
    BAD
  }

  private static final Pattern SWITCH =
      Pattern.compile(
          "^prev_comm=(.*) prev_pid=(-?\\d{1,10}) prev_prio=(-?\\d{1,10}) prev_state=(\\S+)"
              + " ==> next_comm=(.*) next_pid=(-?\\d{1,10}) next_prio=(-?\\d{1,10})$");
  private static final Pattern WAKEUP =
      Pattern.compile(
          "^comm=(.*) pid=(-?\\d{1,10}) prio=(-?\\d{1,10})(?: success=\\d+)?"
              + " target_cpu=(\\d{1,5})$");
  private static final Pattern IRQ_ENTRY = Pattern.compile("^irq=(\\d{1,10}) name=(.*)$");
  private static final Pattern IRQ_EXIT = Pattern.compile("^irq=(\\d{1,10}) ret=(\\S+)$");
  private static final Pattern VECTOR = Pattern.compile("^vector=(\\d{1,10})$");
  private static final Pattern TIMER =
      Pattern.compile("^timer=(\\S+) function=(\\S+)(?: now=\\d+)?(?: .*)?$");
  private static final Pattern FAULT =
      Pattern.compile("^address=(\\S+) ip=(\\S+) error_code=(\\S+)$");
  private static final Pattern KMALLOC =
      Pattern.compile(
          "^call_site=(\\S+) ptr=(\\S+) bytes_req=(\\d{1,20}) bytes_alloc=\\d{1,20}(?: .*)?$");
  private static final Pattern KFREE = Pattern.compile("^call_site=(\\S+) ptr=(\\S+)$");
  private static final Pattern MARK = Pattern.compile("^([BEIC])\\|(-?\\d{1,10})(?:\\|(.*))?$");
  private static final Pattern GRAPH_ENTRY = Pattern.compile("^func=(\\S+) depth=(\\d{1,9})$");
  private static final Pattern GRAPH_EXIT =
      Pattern.compile("^func=(\\S+) depth=(\\d{1,9}) duration=(\\d{1,19})$");
  private static final Pattern FUNCTION = Pattern.compile("^(\\S+)(?: <-(\\S+))?$");

  private final EventSink sink;
  private final FunctionTable functions;
  private final LineTasks tasks;
  String error;

  FtraceEventParser(EventSink sink, FunctionTable functions, LineTasks tasks) {
    this.sink = sink;
    this.functions = functions;
    this.tasks = tasks;
  }

  /**
   * @param tid the task the line names (-1 if unknown), used by markers written without a pid
   */
  Outcome parse(long ts, int cpu, int tid, String body, boolean graphComment) {
    error = null;
    int colon = eventNameEnd(body);
    if (colon < 0) {
      if (graphComment) {
        // A trace_printk message inside function_graph output.
        sink.markerInstant(ts, cpu, Math.max(tid, 0), body);
        return Outcome.EVENT;
      }
      return functionCall(ts, cpu, body);
    }
    String fields = body.substring(colon + 2);
    return switch (body.substring(0, colon)) {
      case "sched_switch" -> schedSwitch(ts, cpu, fields);
      case "sched_wakeup", "sched_waking", "sched_wakeup_new" -> wakeup(ts, cpu, fields);
      case "irq_handler_entry" -> irq(ts, cpu, IRQ_ENTRY.matcher(fields), true);
      case "irq_handler_exit" -> irq(ts, cpu, IRQ_EXIT.matcher(fields), false);
      case "local_timer_entry" -> irq(ts, cpu, VECTOR.matcher(fields), true);
      case "local_timer_exit" -> irq(ts, cpu, VECTOR.matcher(fields), false);
      case "timer_expire_entry" -> timer(ts, cpu, fields);
      case "page_fault_kernel", "page_fault_user" -> fault(ts, cpu, fields);
      case "kmalloc" -> kmalloc(ts, cpu, fields);
      case "kfree" -> kfree(ts, cpu, fields);
      case "tracing_mark_write" -> mark(ts, cpu, tid, fields);
      case "print" -> print(ts, cpu, tid, fields);
      case "funcgraph_entry" -> graphEntry(ts, cpu, fields);
      case "funcgraph_exit" -> graphExit(ts, cpu, fields);
      case "function" -> function(ts, cpu, fields);
      default -> Outcome.IGNORED;
    };
  }

  /** The index of ": " after a leading identifier ({@code event: fields}), or -1. */
  private static int eventNameEnd(String s) {
    int n = s.length();
    char first = n == 0 ? ' ' : s.charAt(0);
    if (!(first == '_' || (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
      return -1;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (c == ':') {
        return i + 1 < n && s.charAt(i + 1) == ' ' ? i : -1;
      }
      if (!(c == '_'
          || (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9'))) {
        return -1;
      }
    }
    return -1;
  }

  /** {@code name} or {@code name <-parent}, no spaces inside either. */
  private Outcome functionCall(long ts, int cpu, String body) {
    int arrow = body.indexOf(" <-");
    String name = arrow < 0 ? body : body.substring(0, arrow);
    String parent = arrow < 0 ? null : body.substring(arrow + 3);
    if (name.isEmpty()
        || hasSpace(name)
        || (parent != null && (parent.isEmpty() || hasSpace(parent)))) {
      return bad("neither 'event: fields' nor 'function <-parent'");
    }
    sink.funcEntry(ts, cpu, address(name), parent == null ? 0 : address(parent));
    return Outcome.EVENT;
  }

  private static boolean hasSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private Outcome bad(String why) {
    error = why;
    return Outcome.BAD;
  }

  private Outcome schedSwitch(long ts, int cpu, String fields) {
    Matcher m = SWITCH.matcher(fields);
    if (!m.matches()) {
      return bad("sched_switch fields do not parse");
    }
    int prev = Integer.parseInt(m.group(2));
    int next = Integer.parseInt(m.group(6));
    tasks.name(ts, cpu, prev, m.group(1).trim());
    tasks.name(ts, cpu, next, m.group(5).trim());
    sink.schedSwitch(
        ts,
        cpu,
        prev,
        prevState(m.group(4)),
        Integer.parseInt(m.group(3)),
        next,
        Integer.parseInt(m.group(7)));
    tasks.switched(cpu, next);
    return Outcome.EVENT;
  }

  /** Linux prints R, R+, S, D, T, t, X, Z, P, I, and combinations such as D|K. */
  static int prevState(String s) {
    char c = s.charAt(0);
    if (c == 'R') {
      return SchedState.RUNNABLE;
    }
    if (c == 'X' || c == 'Z') {
      return SchedState.EXITED;
    }
    return SchedState.BLOCKED;
  }

  private Outcome wakeup(long ts, int cpu, String fields) {
    Matcher m = WAKEUP.matcher(fields);
    if (!m.matches()) {
      return bad("sched_wakeup fields do not parse");
    }
    int tid = Integer.parseInt(m.group(2));
    tasks.name(ts, cpu, tid, m.group(1).trim());
    sink.schedWakeup(ts, cpu, tid, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    return Outcome.EVENT;
  }

  private Outcome irq(long ts, int cpu, Matcher m, boolean entry) {
    if (!m.matches()) {
      return bad("irq fields do not parse");
    }
    long v = Long.parseLong(m.group(1));
    if (v > Integer.MAX_VALUE) {
      return bad("irq number out of range");
    }
    if (entry) {
      sink.irqEntry(ts, cpu, (int) v);
    } else {
      sink.irqExit(ts, cpu, (int) v);
    }
    return Outcome.EVENT;
  }

  private Outcome timer(long ts, int cpu, String fields) {
    Matcher m = TIMER.matcher(fields);
    if (!m.matches()) {
      return bad("timer_expire_entry fields do not parse");
    }
    sink.timerExpire(ts, cpu, address(m.group(1)), address(m.group(2)));
    return Outcome.EVENT;
  }

  private Outcome fault(long ts, int cpu, String fields) {
    Matcher m = FAULT.matcher(fields);
    if (!m.matches()) {
      return bad("page fault fields do not parse");
    }
    long err = hex(m.group(3));
    if (err == Long.MIN_VALUE) {
      return bad("page fault error_code is not hex");
    }
    sink.pageFault(ts, cpu, address(m.group(1)), address(m.group(2)), (int) err);
    return Outcome.EVENT;
  }

  private Outcome kmalloc(long ts, int cpu, String fields) {
    Matcher m = KMALLOC.matcher(fields);
    if (!m.matches()) {
      return bad("kmalloc fields do not parse");
    }
    long size;
    try {
      size = Long.parseUnsignedLong(m.group(3));
    } catch (NumberFormatException x) {
      return bad("kmalloc size out of range");
    }
    sink.alloc(ts, cpu, address(m.group(2)), size, address(m.group(1)));
    return Outcome.EVENT;
  }

  private Outcome kfree(long ts, int cpu, String fields) {
    Matcher m = KFREE.matcher(fields);
    if (!m.matches()) {
      return bad("kfree fields do not parse");
    }
    sink.free(ts, cpu, address(m.group(2)), address(m.group(1)));
    return Outcome.EVENT;
  }

  private Outcome print(long ts, int cpu, int tid, String fields) {
    // trace-cmd shows markers as "print: <ip>s: text" or "print: tracing_mark_write: text".
    int colon = fields.indexOf(": ");
    return mark(ts, cpu, tid, colon >= 0 ? fields.substring(colon + 2) : fields);
  }

  private Outcome mark(long ts, int cpu, int lineTid, String text) {
    Matcher m = MARK.matcher(text);
    if (!m.matches()) {
      sink.markerInstant(ts, cpu, Math.max(lineTid, 0), text);
      return Outcome.EVENT;
    }
    int tid = Integer.parseInt(m.group(2));
    String rest = m.group(3);
    switch (m.group(1)) {
      case "B" -> {
        if (rest == null) {
          return bad("B| marker without a name");
        }
        sink.markerBegin(ts, cpu, tid, rest);
      }
      case "E" -> sink.markerEnd(ts, cpu, tid, rest == null ? "" : rest);
      case "I" -> sink.markerInstant(ts, cpu, tid, rest == null ? "" : rest);
      default -> {
        int bar = rest == null ? -1 : rest.lastIndexOf('|');
        if (bar < 0) {
          return bad("C| marker without a value");
        }
        long value;
        try {
          value = Long.parseLong(rest.substring(bar + 1).trim());
        } catch (NumberFormatException x) {
          return bad("C| marker value is not an integer");
        }
        sink.markerCounter(ts, cpu, tid, rest.substring(0, bar), value);
      }
    }
    return Outcome.EVENT;
  }

  private Outcome graphEntry(long ts, int cpu, String fields) {
    Matcher m = GRAPH_ENTRY.matcher(fields);
    if (!m.matches()) {
      return bad("funcgraph_entry fields do not parse");
    }
    sink.graphEntry(ts, cpu, address(m.group(1)), Integer.parseInt(m.group(2)));
    return Outcome.EVENT;
  }

  private Outcome graphExit(long ts, int cpu, String fields) {
    Matcher m = GRAPH_EXIT.matcher(fields);
    if (!m.matches()) {
      return bad("funcgraph_exit fields do not parse");
    }
    long d;
    try {
      d = Long.parseLong(m.group(3));
    } catch (NumberFormatException x) {
      return bad("duration out of range");
    }
    sink.graphExit(ts, cpu, address(m.group(1)), Integer.parseInt(m.group(2)), d);
    return Outcome.EVENT;
  }

  private Outcome function(long ts, int cpu, String fields) {
    // trace-cmd report pads the name and may print the parent as "<-- parent".
    Matcher f = FUNCTION.matcher(fields.strip().replace(" <-- ", " <-"));
    if (!f.matches()) {
      return bad("function fields do not parse");
    }
    sink.funcEntry(ts, cpu, address(f.group(1)), f.group(2) == null ? 0 : address(f.group(2)));
    return Outcome.EVENT;
  }

  /** A symbol or an address: {@code 0x...} and bare 16-digit hex (Linux %p) are addresses. */
  long address(String s) {
    if (s.length() == 16) {
      long v = hex(s);
      if (v != Long.MIN_VALUE) {
        return v;
      }
    }
    return functions.intern(s);
  }

  private static long hex(String s) {
    String h = s.startsWith("0x") ? s.substring(2) : s;
    if (h.isEmpty() || h.length() > 16) {
      return Long.MIN_VALUE;
    }
    long v = 0;
    for (int i = 0; i < h.length(); i++) {
      int d = Character.digit(h.charAt(i), 16);
      if (d < 0) {
        return Long.MIN_VALUE;
      }
      v = (v << 4) | d;
    }
    return v;
  }
}
