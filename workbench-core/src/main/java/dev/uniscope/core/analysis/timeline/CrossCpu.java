package dev.uniscope.core.analysis.timeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Derives what crosses CPUs from the timeline's point columns: thread states (a wakeup on one CPU,
 * the switch-in on another), marker slices per thread, counter series and the heap counter. Each
 * input is sorted by (thread or name, time) first, since CPUs deliver in their own order only.
 */
final class CrossCpu {
  private static final int EXITED = ThreadState.EXITED.ordinal();
  private static final int UNKNOWN = ThreadState.UNKNOWN.ordinal();

  private final long lastTs;
  private final NameTable names;
  long unmatchedMarkerEnds;

  CrossCpu(long lastTs, NameTable names) {
    this.lastTs = lastTs;
    this.names = names;
  }

  Spans states(PointBuffer p) {
    int[] order = p.orderBy(null, p.tid);
    SpanBuffer out = new SpanBuffer();
    int i = 0;
    while (i < order.length) {
      int tid = p.tid[order[i]];
      int state = -1;
      long since = 0;
      int cpu = 0;
      for (; i < order.length && p.tid[order[i]] == tid; i++) {
        int j = order[i];
        int next = p.kind[j];
        boolean woken = next == ThreadState.RUNNABLE_WOKEN.ordinal();
        if (woken && (state == ThreadState.RUNNING.ordinal() || isRunnable(state))) {
          continue;
        }
        if (state >= 0 && state != EXITED && state != UNKNOWN) {
          out.add(since, p.ts[j], state, tid, cpu, 0, 0);
        }
        if (next == ThreadState.EXITED.ordinal()) {
          // Zero-length, so the exit stays visible (and exportable) as a state.
          out.add(p.ts[j], p.ts[j], next, tid, p.cpu[j], 0, 0);
        }
        state = next;
        since = p.ts[j];
        cpu = p.cpu[j];
      }
      if (state >= 0 && state != EXITED && state != UNKNOWN) {
        out.add(since, Math.max(since, lastTs), state, tid, cpu, 0, Spans.END_MISSING);
      }
    }
    return out.snapshot(null);
  }

  private static boolean isRunnable(int state) {
    return state == ThreadState.RUNNABLE_WOKEN.ordinal()
        || state == ThreadState.RUNNABLE_PREEMPTED.ordinal();
  }

  Spans markers(PointBuffer p) {
    int[] order = p.orderBy(null, p.tid);
    SpanBuffer out = new SpanBuffer();
    long unmatched = 0;
    int emptyName = names.intern("");
    long[] stackTs = new long[16];
    long[] stackName = new long[16];
    int[] stackCpu = new int[16];
    int i = 0;
    while (i < order.length) {
      int tid = p.tid[order[i]];
      int depth = 0;
      for (; i < order.length && p.tid[order[i]] == tid; i++) {
        int j = order[i];
        if (p.kind[j] == Timeline.MARK_BEGIN) {
          if (depth == CpuTrack.MAX_STACK) {
            continue;
          }
          if (depth == stackTs.length) {
            stackTs = Arrays.copyOf(stackTs, depth * 2);
            stackName = Arrays.copyOf(stackName, depth * 2);
            stackCpu = Arrays.copyOf(stackCpu, depth * 2);
          }
          stackTs[depth] = p.ts[j];
          stackName[depth] = p.key[j];
          stackCpu[depth] = p.cpu[j];
          depth++;
          continue;
        }
        // An end closes the innermost begin of the same name (or the innermost, if unnamed).
        int k = depth - 1;
        if (p.key[j] != emptyName) {
          while (k >= 0 && stackName[k] != p.key[j]) {
            k--;
          }
        }
        if (k < 0) {
          unmatched++;
          out.add(p.ts[j], p.ts[j], p.key[j], tid, p.cpu[j], depth, Spans.START_MISSING);
          continue;
        }
        for (int m = depth - 1; m > k; m--) {
          out.add(stackTs[m], p.ts[j], stackName[m], tid, stackCpu[m], m, Spans.END_MISSING);
        }
        out.add(stackTs[k], p.ts[j], stackName[k], tid, stackCpu[k], k, 0);
        depth = k;
      }
      for (int m = 0; m < depth; m++) {
        out.add(
            stackTs[m],
            Math.max(stackTs[m], lastTs),
            stackName[m],
            tid,
            stackCpu[m],
            m,
            Spans.END_MISSING);
      }
    }
    unmatchedMarkerEnds = unmatched;
    return out.snapshot(null);
  }

  List<CounterSeries> counters(PointBuffer p, PointBuffer heap) {
    List<CounterSeries> out = new ArrayList<>();
    int[] order = p.orderBy(p.key, null);
    int i = 0;
    while (i < order.length) {
      long key = p.key[order[i]];
      int from = i;
      while (i < order.length && p.key[order[i]] == key) {
        i++;
      }
      long[] ts = new long[i - from];
      long[] v = new long[i - from];
      for (int k = from; k < i; k++) {
        ts[k - from] = p.ts[order[k]];
        v[k - from] = p.value[order[k]];
      }
      out.add(new CounterSeries(names.name((int) key), ts, v));
    }
    if (heap.size > 0) {
      out.add(heap(heap));
    }
    return List.copyOf(out);
  }

  private static CounterSeries heap(PointBuffer p) {
    int[] order = p.orderBy(null, null);
    LongIndex pointers = new LongIndex();
    long[] live = new long[64]; // size per pointer id, 0 = freed
    long[] ts = new long[order.length];
    long[] v = new long[order.length];
    long bytes = 0;
    for (int k = 0; k < order.length; k++) {
      int j = order[k];
      if (p.kind[j] == Timeline.ALLOC) {
        int id = pointers.intern(p.key[j]);
        if (id == live.length) {
          live = Arrays.copyOf(live, id * 2);
        }
        bytes += p.value[j] - live[id];
        live[id] = p.value[j];
      } else {
        int id = pointers.find(p.key[j]);
        if (id >= 0) {
          bytes -= live[id];
          live[id] = 0;
        }
      }
      ts[k] = p.ts[j];
      v[k] = bytes;
    }
    return new CounterSeries(Timeline.HEAP_LIVE_BYTES, ts, v);
  }
}
