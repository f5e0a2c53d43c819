package dev.uniscope.core.analysis.timeline;

import java.util.Arrays;

/**
 * The per-CPU part of the timeline, built eagerly because one CPU's events arrive in order: the
 * running thread, the IRQ stack and the function-graph stack.
 */
final class CpuTrack {
  static final int MAX_STACK = 512;
  static final int UNKNOWN = -1;

  final int cpu;
  long firstTs = Long.MIN_VALUE;
  long lastTs = Long.MIN_VALUE;

  int current = UNKNOWN;
  long currentStart;
  int currentFlags;
  final SpanBuffer slices = new SpanBuffer();

  private int irqDepth;
  private long[] irqStart = new long[8];
  private int[] irqVector = new int[8];
  final SpanBuffer irqs = new SpanBuffer();

  private int graphDepth;
  private long[] graphStart = new long[16];
  private long[] graphIp = new long[16];
  private int[] graphLevel = new int[16];
  private int[] graphTid = new int[16];
  final SpanBuffer graph = new SpanBuffer();

  long unmatchedIrqExits;
  long unmatchedGraphExits;
  long switchMismatches;
  long overflows;

  CpuTrack(int cpu) {
    this.cpu = cpu;
  }

  /** Updates first/last time; returns false if time went backwards (the event is still used). */
  boolean touch(long ts) {
    if (firstTs == Long.MIN_VALUE) {
      firstTs = ts;
    }
    boolean ok = ts >= lastTs;
    lastTs = Math.max(lastTs, ts);
    return ok;
  }

  void switchTo(long ts, int prevTid, int nextTid) {
    if (current == UNKNOWN) {
      if (ts > firstTs) {
        slices.add(firstTs, ts, prevTid, prevTid, cpu, 0, Spans.START_MISSING);
      }
    } else {
      if (current != prevTid) {
        switchMismatches++;
      }
      slices.add(currentStart, ts, current, current, cpu, 0, currentFlags);
    }
    current = nextTid;
    currentStart = ts;
    currentFlags = 0;
  }

  void assume(long ts, int tid) {
    if (current == tid) {
      return;
    }
    if (current != UNKNOWN) {
      slices.add(currentStart, ts, current, current, cpu, 0, currentFlags);
    }
    current = tid;
    currentStart = ts;
    currentFlags = Spans.INFERRED;
  }

  void irqEntry(long ts, int vector) {
    if (irqDepth == MAX_STACK) {
      overflows++;
      return;
    }
    if (irqDepth == irqStart.length) {
      irqStart = Arrays.copyOf(irqStart, irqDepth * 2);
      irqVector = Arrays.copyOf(irqVector, irqDepth * 2);
    }
    irqStart[irqDepth] = ts;
    irqVector[irqDepth] = vector;
    irqDepth++;
  }

  void irqExit(long ts, int vector) {
    int i = irqDepth - 1;
    while (i >= 0 && irqVector[i] != vector) {
      i--;
    }
    if (i < 0) {
      unmatchedIrqExits++;
      irqs.add(ts, ts, vector, current, cpu, 0, Spans.START_MISSING);
      return;
    }
    // Frames above the match lost their exits: close them here.
    for (int j = irqDepth - 1; j > i; j--) {
      irqs.add(irqStart[j], ts, irqVector[j], current, cpu, j, Spans.END_MISSING);
    }
    irqs.add(irqStart[i], ts, vector, current, cpu, i, 0);
    irqDepth = i;
  }

  void graphEntry(long ts, long ip, int level) {
    if (graphDepth == MAX_STACK) {
      overflows++;
      return;
    }
    if (graphDepth == graphStart.length) {
      int n = graphDepth * 2;
      graphStart = Arrays.copyOf(graphStart, n);
      graphIp = Arrays.copyOf(graphIp, n);
      graphLevel = Arrays.copyOf(graphLevel, n);
      graphTid = Arrays.copyOf(graphTid, n);
    }
    graphStart[graphDepth] = ts;
    graphIp[graphDepth] = ip;
    graphLevel[graphDepth] = level;
    graphTid[graphDepth] = current;
    graphDepth++;
  }

  void graphExit(long ts, long ip, int level, long duration) {
    int i = graphDepth - 1;
    while (i >= 0 && graphIp[i] != ip) {
      i--;
    }
    if (i < 0) {
      unmatchedGraphExits++;
      long d = Math.max(0, duration);
      long start = ts - d > ts ? Long.MIN_VALUE : ts - d;
      graph.add(start, ts, ip, current, cpu, level, Spans.START_FROM_DURATION);
      return;
    }
    for (int j = graphDepth - 1; j > i; j--) {
      graph.add(graphStart[j], ts, graphIp[j], graphTid[j], cpu, graphLevel[j], Spans.END_MISSING);
    }
    graph.add(graphStart[i], ts, ip, graphTid[i], cpu, graphLevel[i], 0);
    graphDepth = i;
  }

  /** The spans still open, closed at the last time seen, flagged {@link Spans#END_MISSING}. */
  SpanBuffer openSlices() {
    SpanBuffer b = new SpanBuffer();
    if (current != UNKNOWN) {
      b.add(currentStart, lastTs, current, current, cpu, 0, currentFlags | Spans.END_MISSING);
    }
    return b;
  }

  SpanBuffer openIrqs() {
    SpanBuffer b = new SpanBuffer();
    for (int j = 0; j < irqDepth; j++) {
      b.add(irqStart[j], lastTs, irqVector[j], current, cpu, j, Spans.END_MISSING);
    }
    return b;
  }

  SpanBuffer openGraph() {
    SpanBuffer b = new SpanBuffer();
    for (int j = 0; j < graphDepth; j++) {
      b.add(graphStart[j], lastTs, graphIp[j], graphTid[j], cpu, graphLevel[j], Spans.END_MISSING);
    }
    return b;
  }
}
