package dev.uniscope.gdbstub.mi;

/** One line of gdb/MI output. */
public sealed interface MiRecord {

  enum ResultClass {
    DONE,
    RUNNING,
    CONNECTED,
    ERROR,
    EXIT
  }

  enum AsyncKind {
    /** {@code *}: execution state (running, stopped). */
    EXEC,
    /** {@code +}: progress of a slow operation. */
    STATUS,
    /** {@code =}: notifications (breakpoints, threads, libraries, ...). */
    NOTIFY
  }

  enum StreamKind {
    /** {@code ~}: console output. */
    CONSOLE,
    /** {@code @}: the target's output (QEMU monitor text). */
    TARGET,
    /** {@code &}: gdb's log. */
    LOG
  }

  /** {@code [token]^class,results}. Token is -1 when absent. */
  record Result(long token, ResultClass resultClass, MiValue.Tuple results) implements MiRecord {}

  /** {@code [token]*class,results}, {@code +...}, {@code =...}. */
  record Async(long token, AsyncKind kind, String asyncClass, MiValue.Tuple results)
      implements MiRecord {}

  record Stream(StreamKind kind, String text) implements MiRecord {}

  /** {@code (gdb)}. */
  record Prompt() implements MiRecord {}

  /** A line that is not MI (e.g. output of a program gdb started); kept, not dropped. */
  record Unparsed(String line, String error) implements MiRecord {}
}
