package dev.uniscope.gdbstub.rsp;

/**
 * Why the target stopped, decided by the client: QEMU 7.2 sends no {@code swbreak}/{@code hwbreak}
 * reason, so a {@code T05} is a breakpoint when the PC equals an inserted breakpoint and a finished
 * step when we asked for a step.
 */
public sealed interface StopEvent {
  /** The stop reply this event was derived from. */
  StopReply reply();

  record BreakpointHit(ThreadId thread, long pc, StopReply reply) implements StopEvent {}

  record WatchpointHit(ThreadId thread, BreakpointType type, long address, long pc, StopReply reply)
      implements StopEvent {}

  record StepCompleted(ThreadId thread, long pc, StopReply reply) implements StopEvent {}

  /** Stopped by an interrupt (0x03) or a monitor {@code stop}: {@code T02}. */
  record Interrupted(ThreadId thread, StopReply reply) implements StopEvent {}

  /** Any other signal, e.g. a {@code T05} at an address where we have no breakpoint. */
  record Signalled(ThreadId thread, int signal, StopReply reply) implements StopEvent {}

  record Exited(int status, StopReply reply) implements StopEvent {}

  record Terminated(int signal, StopReply reply) implements StopEvent {}
}
