package dev.uniscope.trace.command;

/**
 * The kernel's answer to one command (docs/protocol.md section 8).
 *
 * @param opcode null if the kernel echoed an opcode this host does not know
 * @param status 0 OK, 1 unknown opcode, 2 bad arguments, 3 busy, 4 unsupported
 */
public record Reply(int requestId, Opcode opcode, int status, long value, String message) {
  public static final int OK = 0;
  public static final int UNKNOWN_OPCODE = 1;
  public static final int BAD_ARGUMENTS = 2;
  public static final int BUSY = 3;
  public static final int UNSUPPORTED = 4;

  public boolean ok() {
    return status == OK;
  }
}
