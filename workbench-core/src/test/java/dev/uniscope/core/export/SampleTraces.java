package dev.uniscope.core.export;

import dev.uniscope.core.analysis.timeline.EventLog;
import dev.uniscope.core.analysis.timeline.FunctionTable;
import dev.uniscope.core.analysis.timeline.SchedState;

/** A small hand-written capture touching every event kind, shared by the exporter tests. */
public final class SampleTraces {
  public static final FunctionTable FUNCTIONS = new FunctionTable();

  static {
    FUNCTIONS.define(0xffffffff81000100L, "timer_interrupt");
    FUNCTIONS.define(0xffffffff81000200L, "sched_tick");
    FUNCTIONS.define(0xffffffff81000300L, "do_work");
    FUNCTIONS.define(0xffffffff81000400L, "memcpy");
    FUNCTIONS.define(0xffffffff81000500L, "kmalloc");
    FUNCTIONS.define(0xffffffff81000600L, "run_thread");
    FUNCTIONS.define(0xffffffff81000700L, "process_timeout");
  }

  public static final long TIMER_INTERRUPT = 0xffffffff81000100L;
  public static final long SCHED_TICK = 0xffffffff81000200L;
  public static final long DO_WORK = 0xffffffff81000300L;
  public static final long MEMCPY = 0xffffffff81000400L;
  public static final long KMALLOC = 0xffffffff81000500L;
  public static final long RUN_THREAD = 0xffffffff81000600L;
  public static final long PROCESS_TIMEOUT = 0xffffffff81000700L;

  private SampleTraces() {}

  public static EventLog capture() {
    EventLog log = new EventLog();
    long base = 1203_004_500_000L;
    log.threadName(base, 0, 17, "worker/0");
    log.threadName(base, 0, 18, "net rx");
    log.schedSwitch(base, 0, 0, SchedState.RUNNABLE, 120, 17, 120);
    log.funcEntry(base + 12_000, 0, SCHED_TICK, TIMER_INTERRUPT);
    log.irqEntry(base + 13_000, 0, 32);
    log.timerExpire(base + 14_000, 0, 0xffff888000123400L, PROCESS_TIMEOUT);
    log.irqExit(base + 15_500, 0, 32);
    log.graphEntry(base + 20_000, 0, DO_WORK, 0);
    log.graphEntry(base + 21_000, 0, MEMCPY, 1);
    log.graphExit(base + 21_345, 0, MEMCPY, 1, 345);
    log.alloc(base + 22_000, 0, 0xffff888000200000L, 64, KMALLOC);
    log.markerBegin(base + 23_000, 0, 17, "frame 1");
    log.schedWakeup(base + 24_000, 0, 18, 120, 1);
    log.graphExit(base + 40_000, 0, DO_WORK, 0, 20_000);
    log.markerCounter(base + 41_000, 0, 17, "queue", 3);
    log.markerInstant(base + 42_000, 0, 17, "vsync");
    log.markerEnd(base + 43_000, 0, 17, "frame 1");
    log.free(base + 44_000, 0, 0xffff888000200000L, KMALLOC);
    log.pageFault(base + 45_000, 0, 0xdead000L, 0xffffffff81000300L, 2);
    log.schedSwitch(base + 50_000, 0, 17, SchedState.BLOCKED, 120, 0, 120);
    log.schedSwitch(base + 30_000, 1, 0, SchedState.RUNNABLE, 120, 18, 120);
    log.graphEntry(base + 31_000, 1, RUN_THREAD, 0);
    log.graphExit(base + 2_031_000, 1, RUN_THREAD, 0, 2_000_000);
    log.schedSwitch(base + 2_100_000, 1, 18, SchedState.EXITED, 120, 0, 120);
    return log;
  }
}
