package dev.uniscope.core.session;

import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.TraceSession;

/**
 * Progress hooks of a running session. Every method has an empty default; they run on the session's
 * threads and must not block.
 */
public interface SessionListener {
  /** A complete COM1 line. */
  default void consoleLine(String line) {}

  /** The kernel's hello arrived on the data channel (once per session). */
  default void hello(Hello hello) {}

  /**
   * Periodic progress, a few times per second.
   *
   * @param elapsedNanos since the VM started running
   * @param totalNanos the planned run time ({@code --duration}, else the timeout)
   */
  default void progress(TraceSession.Snapshot stats, long elapsedNanos, long totalNanos) {}

  /** A line worth telling the user (dump taken, leak scan refused, ...). */
  default void note(String message) {}
}
