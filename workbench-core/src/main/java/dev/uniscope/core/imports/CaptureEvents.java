package dev.uniscope.core.imports;

import dev.uniscope.core.analysis.timeline.EventSink;
import dev.uniscope.core.analysis.timeline.EventSource;
import dev.uniscope.trace.page.RecordView;
import dev.uniscope.trace.store.EventStore;
import java.nio.BufferUnderflowException;
import java.util.Arrays;

/**
 * The events of a capture's {@link EventStore}, delivered to an {@link EventSink}: the bridge from
 * trace-ingest's decoder to the analyses and exporters. Fields are read by name, as protocol
 * section 7 requires (the metadata is authoritative); a record whose fields do not read (corrupt,
 * or an unexpected layout) is skipped and counted, never thrown.
 *
 * <p>{@link #replay} delivers everything in global time order (for exporters). {@link #replayNew}
 * delivers what arrived since its previous call, per CPU, then flushes: call it after each batch of
 * pages while a live session ingests, and a {@link dev.uniscope.core.analysis.timeline.Timeline}
 * fed this way updates its listeners as data streams in. The store is not thread-safe: call both on
 * the ingest thread (or under the session's lock).
 */
public final class CaptureEvents implements EventSource {
  private final EventStore store;
  private long[] cursor = new long[0];
  private long skipped;
  private final long[] stack = new long[65];

  public CaptureEvents(EventStore store) {
    this.store = store;
  }

  /** Records skipped because their fields could not be read. */
  public long skipped() {
    return skipped;
  }

  @Override
  public void replay(EventSink sink) {
    store.forEachInTimeOrder(
        (cpu, index, ts, id) -> {
          dispatch(sink, cpu, index, ts);
          return true;
        });
    sink.flush();
  }

  /** Delivers the events appended since the previous call (per-CPU order), then flushes. */
  public void replayNew(EventSink sink) {
    int cpus = store.cpuCount();
    if (cursor.length < cpus) {
      cursor = Arrays.copyOf(cursor, cpus);
    }
    for (int cpu = 0; cpu < cpus; cpu++) {
      long n = store.eventCount(cpu);
      for (long i = cursor[cpu]; i < n; i++) {
        dispatch(sink, cpu, i, store.timestamp(cpu, i));
      }
      cursor[cpu] = n;
    }
    sink.flush();
  }

  private void dispatch(EventSink sink, int cpu, long index, long ts) {
    try {
      RecordView v = store.view(cpu, index);
      deliver(sink, cpu, ts, v);
    } catch (IllegalArgumentException | IndexOutOfBoundsException | BufferUnderflowException e) {
      skipped++;
    }
  }

  private void deliver(EventSink sink, int cpu, long ts, RecordView v) {
    switch (v.event().name()) {
      case "thread_name" -> sink.threadName(ts, cpu, (int) v.number("tid"), v.text("name"));
      case "sched_switch" -> {
        int next = (int) v.number("next_tid");
        String comm = v.text("next_comm");
        if (!comm.isEmpty()) {
          sink.threadName(ts, cpu, next, comm);
        }
        sink.schedSwitch(
            ts,
            cpu,
            (int) v.number("prev_tid"),
            (int) v.number("prev_state"),
            (int) v.number("prev_prio"),
            next,
            (int) v.number("next_prio"));
      }
      case "sched_wakeup" ->
          sink.schedWakeup(
              ts, cpu, (int) v.number("tid"), (int) v.number("prio"), (int) v.number("target_cpu"));
      case "irq_entry" -> sink.irqEntry(ts, cpu, (int) v.number("vector"));
      case "irq_exit" -> sink.irqExit(ts, cpu, (int) v.number("vector"));
      case "timer_expire" -> sink.timerExpire(ts, cpu, v.number("timer"), v.number("function"));
      case "page_fault" ->
          sink.pageFault(
              ts, cpu, v.number("address"), v.number("rip"), (int) v.number("error_code"));
      case "alloc" -> sink.alloc(ts, cpu, v.number("ptr"), v.number("size"), v.number("caller"));
      case "free" -> sink.free(ts, cpu, v.number("ptr"), v.number("caller"));
      case "marker_begin" -> sink.markerBegin(ts, cpu, (int) v.number("tid"), v.text("name"));
      case "marker_end" -> sink.markerEnd(ts, cpu, (int) v.number("tid"), v.text("name"));
      case "marker_instant" -> sink.markerInstant(ts, cpu, (int) v.number("tid"), v.text("name"));
      case "marker_counter" ->
          sink.markerCounter(ts, cpu, (int) v.number("tid"), v.text("name"), v.number("value"));
      case "func_entry" -> sink.funcEntry(ts, cpu, v.number("ip"), v.number("parent_ip"));
      case "graph_entry" -> sink.graphEntry(ts, cpu, v.number("ip"), (int) v.number("depth"));
      case "graph_exit" ->
          sink.graphExit(ts, cpu, v.number("ip"), (int) v.number("depth"), v.number("duration_ns"));
      case "profile_sample" -> {
        // The interrupted rip first, then the frame-pointer walk (leaf first, rip not repeated).
        long[] frames = v.stack("stack");
        int n = Math.min(frames.length, stack.length - 1);
        stack[0] = v.number("rip");
        System.arraycopy(frames, 0, stack, 1, n);
        sink.sample(ts, cpu, (int) v.number("tid"), v.number("idle") != 0, stack, n + 1);
      }
      default -> {} // heap, leak and stack_def records belong to the heap analysis
    }
  }
}
