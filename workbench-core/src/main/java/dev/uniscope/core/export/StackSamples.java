package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.EventSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Profiler samples collected from events for the profile exporters: each distinct stack is stored
 * once (interned), each sample is a row of primitive columns.
 */
public final class StackSamples implements EventSink {
  static final int MAX_DEPTH = 256;

  private final Map<StackKey, Integer> ids = new HashMap<>();
  private final List<long[]> stacks = new ArrayList<>();
  private final Map<Integer, String> threadNames = new HashMap<>();
  private int size;
  private long[] ts = new long[64];
  private int[] tid = new int[64];
  private int[] cpu = new int[64];
  private int[] stackId = new int[64];
  private boolean[] idle = new boolean[64];

  private record StackKey(long[] frames) {
    @Override
    public boolean equals(Object o) {
      return o instanceof StackKey k && Arrays.equals(k.frames, frames);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(frames);
    }

    @Override
    public String toString() {
      return Arrays.toString(frames);
    }
  }

  @Override
  public void threadName(long t, int c, int id, String name) {
    if (name != null) {
      threadNames.put(id, name);
    }
  }

  @Override
  public void sample(long t, int c, int id, boolean isIdle, long[] stack, int length) {
    long[] frames = Arrays.copyOf(stack, Math.max(0, Math.min(length, MAX_DEPTH)));
    Integer sid = ids.get(new StackKey(frames));
    if (sid == null) {
      sid = stacks.size();
      stacks.add(frames);
      ids.put(new StackKey(frames), sid);
    }
    if (size == ts.length) {
      int n = size * 2;
      ts = Arrays.copyOf(ts, n);
      tid = Arrays.copyOf(tid, n);
      cpu = Arrays.copyOf(cpu, n);
      stackId = Arrays.copyOf(stackId, n);
      idle = Arrays.copyOf(idle, n);
    }
    ts[size] = t;
    tid[size] = id;
    cpu[size] = c;
    stackId[size] = sid;
    idle[size] = isIdle;
    size++;
  }

  public int size() {
    return size;
  }

  public long ts(int i) {
    return ts[i];
  }

  public int tid(int i) {
    return tid[i];
  }

  public int cpu(int i) {
    return cpu[i];
  }

  public boolean idle(int i) {
    return idle[i];
  }

  public int stackId(int i) {
    return stackId[i];
  }

  /** Number of distinct stacks. */
  public int stackCount() {
    return stacks.size();
  }

  /** Stack {@code id}, leaf first (a copy). */
  public long[] stack(int id) {
    return stacks.get(id).clone();
  }

  long[] stackView(int id) {
    return stacks.get(id);
  }

  public Map<Integer, String> threadNames() {
    return Map.copyOf(threadNames);
  }

  String threadName(int id) {
    String n = threadNames.get(id);
    return n != null ? n : id == 0 ? "idle" : "tid " + id;
  }
}
