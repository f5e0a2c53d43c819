package dev.uniscope.core.analysis.timeline;

/** What a thread is doing over an interval of the timeline. */
public enum ThreadState {
  RUNNING,
  /** Ready to run after a wakeup, waiting for a CPU: the scheduling-latency interval. */
  RUNNABLE_WOKEN,
  /** Ready to run after being preempted (switched out in state R). */
  RUNNABLE_PREEMPTED,
  BLOCKED,
  EXITED,
  /**
   * Left the CPU without a sched_switch saying how (text sources only): ends the running interval;
   * no span is produced for it.
   */
  UNKNOWN
}
