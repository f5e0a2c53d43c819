package dev.uniscope.core.analysis.timeline;

/** The {@code prev_state} values of sched_switch (protocol section 7.2). */
public final class SchedState {
  public static final int RUNNABLE = 0;
  public static final int BLOCKED = 1;
  public static final int EXITED = 2;

  private SchedState() {}
}
