package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.EventSink;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the task named on each text line into events: a thread name when it changes, and a {@link
 * EventSink#currentTask} when the line's task is not the one the importer believes runs on that
 * CPU. {@code <...>-0} means unknown and states nothing; {@code <idle>} is pid 0's default name.
 */
final class LineTasks {
  private final EventSink sink;
  private final Map<Integer, String> names = new HashMap<>();
  private int[] current = new int[0];
  private int lastPid = Integer.MIN_VALUE;
  private String lastComm;
  private static final int MAX_NAMES = 1 << 20;

  LineTasks(EventSink sink) {
    this.sink = sink;
  }

  /**
   * @param switchLine the line is a sched_switch, which states who runs itself (its task is prev)
   */
  void line(long ts, int cpu, String comm, int pid, boolean switchLine) {
    if ("<...>".equals(comm) && pid == 0) {
      return;
    }
    name(ts, cpu, pid, comm);
    if (!switchLine && current(cpu) != pid) {
      sink.currentTask(ts, cpu, pid);
      switched(cpu, pid);
    }
  }

  void name(long ts, int cpu, int pid, String comm) {
    if (pid == lastPid && comm.equals(lastComm)) {
      return; // the common case: the same task as on the previous line
    }
    if ("<...>".equals(comm) || (pid == 0 && "<idle>".equals(comm))) {
      return;
    }
    lastPid = pid;
    lastComm = comm;
    if (!comm.equals(names.get(pid)) && names.size() < MAX_NAMES) {
      names.put(pid, comm);
      sink.threadName(ts, cpu, pid, comm);
    }
  }

  int current(int cpu) {
    return cpu < current.length ? current[cpu] : -1;
  }

  void switched(int cpu, int pid) {
    if (cpu >= current.length) {
      int old = current.length;
      current = Arrays.copyOf(current, cpu + 1);
      Arrays.fill(current, old, cpu + 1, -1);
    }
    current[cpu] = pid;
  }
}
