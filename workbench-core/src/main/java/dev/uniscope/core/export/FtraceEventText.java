package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.FunctionNames;
import dev.uniscope.core.analysis.timeline.SchedState;

/**
 * The text of tracepoint events, as Linux prints them in {@code trace} ({@code event: fields}); the
 * importer parses the same shapes. Markers use the atrace convention of {@code tracing_mark_write}
 * ({@code B|tid|name}, {@code E|tid|name}, {@code I|tid|name}, {@code C|tid|name|value}) that
 * Perfetto also understands.
 */
final class FtraceEventText {
  private FtraceEventText() {}

  static String state(int prevState) {
    return switch (prevState) {
      case SchedState.RUNNABLE -> "R";
      case SchedState.EXITED -> "X";
      default -> "S";
    };
  }

  static String schedSwitch(
      TaskNames t, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {
    return "sched_switch: prev_comm="
        + t.comm(prevTid)
        + " prev_pid="
        + prevTid
        + " prev_prio="
        + prevPrio
        + " prev_state="
        + state(prevState)
        + " ==> next_comm="
        + t.comm(nextTid)
        + " next_pid="
        + nextTid
        + " next_prio="
        + nextPrio;
  }

  static String schedWakeup(TaskNames t, int tid, int prio, int targetCpu) {
    return "sched_wakeup: comm="
        + t.comm(tid)
        + " pid="
        + tid
        + " prio="
        + prio
        + " target_cpu="
        + pad3(targetCpu);
  }

  static String irqEntry(int vector) {
    return "irq_handler_entry: irq=" + vector + " name=vector" + vector;
  }

  static String irqExit(int vector) {
    return "irq_handler_exit: irq=" + vector + " ret=handled";
  }

  static String timer(FunctionNames fn, long timer, long function, long ts) {
    return "timer_expire_entry: timer="
        + hex(timer)
        + " function="
        + fn.nameOrHex(function)
        + " now="
        + ts;
  }

  static String pageFault(long address, long ip, int errorCode) {
    return "page_fault_kernel: address="
        + hex(address)
        + " ip="
        + hex(ip)
        + " error_code="
        + hex(errorCode & 0xffffffffL);
  }

  static String alloc(FunctionNames fn, long ptr, long size, long caller) {
    return "kmalloc: call_site="
        + fn.nameOrHex(caller)
        + " ptr="
        + hex(ptr)
        + " bytes_req="
        + Long.toUnsignedString(size)
        + " bytes_alloc="
        + Long.toUnsignedString(size)
        + " gfp_flags=GFP_KERNEL";
  }

  static String free(FunctionNames fn, long ptr, long caller) {
    return "kfree: call_site=" + fn.nameOrHex(caller) + " ptr=" + hex(ptr);
  }

  static String marker(char kind, int tid, String name) {
    return "tracing_mark_write: " + kind + "|" + tid + "|" + TaskNames.sanitize(name);
  }

  static String counter(int tid, String name, long value) {
    return "tracing_mark_write: C|" + tid + "|" + TaskNames.sanitize(name) + "|" + value;
  }

  static String function(FunctionNames fn, long ip, long parentIp) {
    return fn.nameOrHex(ip) + " <-" + fn.nameOrHex(parentIp);
  }

  static String graphEntry(FunctionNames fn, long ip, int depth) {
    return "funcgraph_entry: func=" + fn.nameOrHex(ip) + " depth=" + depth;
  }

  static String graphExit(FunctionNames fn, long ip, int depth, long durationNs) {
    return "funcgraph_exit: func="
        + fn.nameOrHex(ip)
        + " depth="
        + depth
        + " duration="
        + durationNs;
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  private static String pad3(int v) {
    String s = Integer.toString(v);
    return s.length() >= 3 || v < 0 ? s : "000".substring(s.length()) + s;
  }
}
