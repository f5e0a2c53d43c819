package dev.uniscope.core.analysis.timeline;

/**
 * Receives decoded trace events one call per event, with primitive arguments, so a decoder can
 * drive analyses and exporters without allocating an object per event (captures hold millions).
 *
 * <p>Ordering contract: for one CPU, calls come in non-decreasing timestamp order; calls for
 * different CPUs may interleave in any order (each CPU's ring is decoded independently). Exporters
 * that print one global stream (ftrace text) additionally need global time order, which {@link
 * EventLog#replay} and the capture's event store provide.
 *
 * <p>Timestamps are nanoseconds on the trace clock. A {@code tid} of 0 is the idle thread of the
 * CPU. Every method has an empty default, so a sink implements only what it uses.
 */
public interface EventSink {
  /** Thread names are state, not events: the latest name for a tid wins. */
  default void threadName(long ts, int cpu, int tid, String name) {}

  /**
   * States which thread runs on {@code cpu} when the source knows it without a sched_switch (ftrace
   * text lines name their task). Kernel captures never call it.
   */
  default void currentTask(long ts, int cpu, int tid) {}

  /**
   * @param prevState {@link SchedState#RUNNABLE}, {@link SchedState#BLOCKED} or {@link
   *     SchedState#EXITED}
   */
  default void schedSwitch(
      long ts, int cpu, int prevTid, int prevState, int prevPrio, int nextTid, int nextPrio) {}

  default void schedWakeup(long ts, int cpu, int tid, int prio, int targetCpu) {}

  default void irqEntry(long ts, int cpu, int vector) {}

  default void irqExit(long ts, int cpu, int vector) {}

  default void timerExpire(long ts, int cpu, long timer, long function) {}

  default void pageFault(long ts, int cpu, long address, long ip, int errorCode) {}

  default void alloc(long ts, int cpu, long ptr, long size, long caller) {}

  default void free(long ts, int cpu, long ptr, long caller) {}

  default void markerBegin(long ts, int cpu, int tid, String name) {}

  /** {@code name} may be empty when the source does not name ends (atrace {@code E|pid}). */
  default void markerEnd(long ts, int cpu, int tid, String name) {}

  default void markerInstant(long ts, int cpu, int tid, String name) {}

  default void markerCounter(long ts, int cpu, int tid, String name, long value) {}

  /** Function tracer: one call, no return. */
  default void funcEntry(long ts, int cpu, long ip, long parentIp) {}

  default void graphEntry(long ts, int cpu, long ip, int depth) {}

  /** {@code durationNs} is exit time minus entry time of the same call, measured by the kernel. */
  default void graphExit(long ts, int cpu, long ip, int depth, long durationNs) {}

  /**
   * A profiler sample. {@code stack[0..length)} is leaf first; the array belongs to the caller and
   * may be reused after the call returns, so keep a copy if needed.
   */
  default void sample(long ts, int cpu, int tid, boolean idle, long[] stack, int length) {}

  /** End of a batch (a page, a file): a point where models may notify their listeners. */
  default void flush() {}
}
