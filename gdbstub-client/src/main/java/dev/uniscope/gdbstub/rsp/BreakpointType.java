package dev.uniscope.gdbstub.rsp;

/** The {@code Z}/{@code z} packet types. */
public enum BreakpointType {
  SOFTWARE(0),
  HARDWARE(1),
  WRITE_WATCHPOINT(2),
  READ_WATCHPOINT(3),
  ACCESS_WATCHPOINT(4);

  private final int code;

  BreakpointType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public boolean isWatchpoint() {
    return code >= 2;
  }
}
