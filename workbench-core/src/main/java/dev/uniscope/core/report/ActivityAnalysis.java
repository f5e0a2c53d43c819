package dev.uniscope.core.report;

import dev.uniscope.core.analysis.timeline.EventSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Timeline statistics in one pass over the events in global time order: per CPU busy time, switches
 * and interrupts; per thread switch-ins and wake-ups; interrupts per vector; the event rate and
 * live heap bytes in fixed time bins (for the charts).
 */
public final class ActivityAnalysis implements EventSink {
  /** Width of one bin of the rate and heap series. */
  public static final long BIN_NS = 10_000_000L;

  /** Bins kept (10 ms each: about 2.7 hours); later events still count, but not in the series. */
  public static final int MAX_BINS = 1 << 20;

  /** CPUs tracked; records of higher CPUs are counted as events only. */
  public static final int MAX_CPUS = 256;

  private long first = Long.MAX_VALUE;
  private long last = Long.MIN_VALUE;
  private long events;
  private final long[] cpuSwitches = new long[MAX_CPUS];
  private final long[] cpuIrqs = new long[MAX_CPUS];
  private final long[] cpuBusy = new long[MAX_CPUS];
  private final long[] cpuSince = new long[MAX_CPUS];
  private final int[] cpuTid = new int[MAX_CPUS];
  private final boolean[] cpuKnown = new boolean[MAX_CPUS];
  private int cpus;
  private final Map<Integer, long[]> threads = new TreeMap<>(); // tid -> {switchesIn, wakeups}
  private final Map<Integer, String> names = new HashMap<>();
  private final Map<Integer, Long> irqs = new TreeMap<>();
  private final Map<Long, Long> live = new HashMap<>();
  private long liveBytes;
  private long[] rate = new long[64];
  private long[] heap = new long[64];
  private boolean[] heapSet = new boolean[64];
  private int bins;

  /** Per CPU. */
  public record CpuStats(int cpu, long busyNs, double busyPct, long switches, long irqs) {}

  /** Per thread: times it was switched in, and times it was woken. */
  public record ThreadStats(int tid, String name, long switchesIn, long wakeups) {}

  /**
   * @param rate events per bin of {@link #BIN_NS}, from {@code firstNs}
   * @param heapBytes live heap bytes (alloc minus free seen in the capture) at the end of each bin
   */
  public record Summary(
      long events,
      long firstNs,
      long lastNs,
      List<CpuStats> cpus,
      List<ThreadStats> threads,
      Map<Integer, Long> irqsByVector,
      long[] rate,
      long[] heapBytes) {}

  private void at(long ts, int cpu) {
    events++;
    if (first == Long.MAX_VALUE) {
      first = ts;
    }
    first = Math.min(first, ts);
    last = Math.max(last, ts);
    long b = (ts - first) / BIN_NS;
    if (b >= 0 && b < MAX_BINS) {
      int bin = (int) b;
      if (bin >= rate.length) {
        int n = Math.min(MAX_BINS, Math.max(bin + 1, rate.length * 2));
        rate = Arrays.copyOf(rate, n);
        heap = Arrays.copyOf(heap, n);
        heapSet = Arrays.copyOf(heapSet, n);
      }
      rate[bin]++;
      bins = Math.max(bins, bin + 1);
    }
    if (cpu >= 0 && cpu < MAX_CPUS) {
      cpus = Math.max(cpus, cpu + 1);
    }
  }

  private void heapPoint(long ts) {
    long b = (ts - first) / BIN_NS;
    if (b >= 0 && b < bins) {
      heap[(int) b] = liveBytes;
      heapSet[(int) b] = true;
    }
  }

  private static boolean ok(int cpu) {
    return cpu >= 0 && cpu < MAX_CPUS;
  }

  @Override
  public void threadName(long ts, int cpu, int tid, String name) {
    names.put(tid, name);
  }

  @Override
  public void schedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {
    at(ts, cpu);
    threads.computeIfAbsent(nextTid, k -> new long[2])[0]++;
    if (!ok(cpu)) {
      return;
    }
    cpuSwitches[cpu]++;
    if (cpuKnown[cpu] && cpuTid[cpu] != 0) {
      cpuBusy[cpu] += ts - cpuSince[cpu];
    } else if (!cpuKnown[cpu] && prevTid != 0) {
      // Before the first switch the CPU ran prevTid since the start of the capture.
      cpuBusy[cpu] += Math.max(0, ts - first);
    }
    cpuKnown[cpu] = true;
    cpuTid[cpu] = nextTid;
    cpuSince[cpu] = ts;
  }

  @Override
  public void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {
    at(ts, cpu);
    threads.computeIfAbsent(tid, k -> new long[2])[1]++;
  }

  @Override
  public void irqEntry(long ts, int cpu, int vector) {
    at(ts, cpu);
    irqs.merge(vector, 1L, Long::sum);
    if (ok(cpu)) {
      cpuIrqs[cpu]++;
    }
  }

  @Override
  public void irqExit(long ts, int cpu, int vector) {
    at(ts, cpu);
  }

  @Override
  public void timerExpire(long ts, int cpu, long timer, long function) {
    at(ts, cpu);
  }

  @Override
  public void pageFault(long ts, int cpu, long address, long ip, int errorCode) {
    at(ts, cpu);
  }

  @Override
  public void alloc(long ts, int cpu, long ptr, long size, long caller) {
    at(ts, cpu);
    Long old = live.put(ptr, size);
    liveBytes += size - (old == null ? 0 : old);
    heapPoint(ts);
  }

  @Override
  public void free(long ts, int cpu, long ptr, long caller) {
    at(ts, cpu);
    Long old = live.remove(ptr);
    if (old != null) {
      liveBytes -= old;
    }
    heapPoint(ts);
  }

  @Override
  public void markerBegin(long ts, int cpu, int tid, String name) {
    at(ts, cpu);
  }

  @Override
  public void markerEnd(long ts, int cpu, int tid, String name) {
    at(ts, cpu);
  }

  @Override
  public void markerInstant(long ts, int cpu, int tid, String name) {
    at(ts, cpu);
  }

  @Override
  public void markerCounter(long ts, int cpu, int tid, String name, long value) {
    at(ts, cpu);
  }

  @Override
  public void funcEntry(long ts, int cpu, long ip, long parentIp) {
    at(ts, cpu);
  }

  @Override
  public void graphEntry(long ts, int cpu, long ip, int depth) {
    at(ts, cpu);
  }

  @Override
  public void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {
    at(ts, cpu);
  }

  @Override
  public void sample(long ts, int cpu, int tid, boolean idle, long[] stack, int length) {
    at(ts, cpu);
  }

  public Summary summary() {
    long span = events == 0 ? 0 : last - first;
    List<CpuStats> c = new ArrayList<>();
    for (int i = 0; i < cpus; i++) {
      long busy = cpuBusy[i];
      if (cpuKnown[i] && cpuTid[i] != 0) {
        busy += last - cpuSince[i];
      }
      c.add(new CpuStats(i, busy, span == 0 ? 0 : 100.0 * busy / span, cpuSwitches[i], cpuIrqs[i]));
    }
    List<ThreadStats> t = new ArrayList<>();
    threads.forEach(
        (tid, v) -> t.add(new ThreadStats(tid, names.getOrDefault(tid, ""), v[0], v[1])));
    long[] h = Arrays.copyOf(heap, bins);
    long carry = 0;
    for (int i = 0; i < bins; i++) {
      if (heapSet[i]) {
        carry = h[i];
      } else {
        h[i] = carry;
      }
    }
    return new Summary(
        events,
        events == 0 ? 0 : first,
        events == 0 ? 0 : last,
        c,
        t,
        Map.copyOf(irqs),
        Arrays.copyOf(rate, bins),
        h);
  }
}
