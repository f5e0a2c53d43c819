package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.EventSink;
import java.util.HashMap;
import java.util.Map;

/**
 * Tracks what text formats print for a task: the thread running on each CPU and the latest name of
 * each thread, as the events go by. Unknown names print as {@code <...>} (as Linux does), the
 * unknown task as {@code <...>-0}.
 */
class TaskNames implements EventSink {
  static final String UNKNOWN_COMM = "<...>";
  static final String IDLE_COMM = "<idle>";

  final Map<Integer, String> names = new HashMap<>();
  private int[] current = new int[0];

  int current(int cpu) {
    return cpu >= 0 && cpu < current.length ? current[cpu] : -1;
  }

  private void setCurrent(int cpu, int tid) {
    if (cpu < 0 || cpu >= 4096) {
      return;
    }
    if (cpu >= current.length) {
      int old = current.length;
      current = java.util.Arrays.copyOf(current, cpu + 1);
      java.util.Arrays.fill(current, old, cpu + 1, -1);
    }
    current[cpu] = tid;
  }

  String comm(int tid) {
    String n = names.get(tid);
    if (n != null) {
      return sanitize(n);
    }
    return tid == 0 ? IDLE_COMM : UNKNOWN_COMM;
  }

  /** {@code comm-pid} of the thread running on {@code cpu}. */
  String task(int cpu) {
    int tid = current(cpu);
    if (tid < 0) {
      return UNKNOWN_COMM + "-0";
    }
    // Linux shows the idle task as <idle> in the task column, whatever its name (swapper/N).
    return tid == 0 ? IDLE_COMM + "-0" : comm(tid) + "-" + tid;
  }

  /** Text formats are line and '|' delimited: those characters cannot appear in a name. */
  static String sanitize(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '|' || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, '_');
      }
    }
    return b == null ? s : b.toString();
  }

  @Override
  public void threadName(long ts, int cpu, int tid, String name) {
    if (name != null) {
      names.put(tid, name);
    }
  }

  @Override
  public void currentTask(long ts, int cpu, int tid) {
    setCurrent(cpu, tid);
  }

  @Override
  public void schedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {
    setCurrent(cpu, nextTid);
  }

  /** Before a switch's line: when nobody was known to run, the switch says it was prev. */
  void switchingFrom(int cpu, int prevTid) {
    if (current(cpu) < 0) {
      setCurrent(cpu, prevTid);
    }
  }
}
