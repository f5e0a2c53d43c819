package dev.uniscope.gdbstub.rsp;

/** Something went wrong talking to a gdb stub; the message says what and where. */
public class RspException extends RuntimeException {
  public RspException(String message) {
    super(message);
  }

  public RspException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The stub did not answer in time; the connection is closed because reply order is lost. */
  public static final class Timeout extends RspException {
    public Timeout(String message) {
      super(message);
    }
  }

  /** The connection to the stub is gone. */
  public static final class Closed extends RspException {
    public Closed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The stub answered {@code Exx}. */
  public static final class ErrorReply extends RspException {
    private final int code;

    public ErrorReply(String command, int code) {
      super("stub answered E" + String.format("%02x", code) + " to '" + abbreviate(command) + "'");
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  /** The stub answered with the empty packet: it does not support the request. */
  public static final class Unsupported extends RspException {
    public Unsupported(String command) {
      super("stub does not support '" + abbreviate(command) + "' (empty reply)");
    }
  }

  /** The stub's reply does not have the shape the request calls for. */
  public static final class Malformed extends RspException {
    public Malformed(String command, String reply, String why) {
      super(
          "malformed reply to '"
              + abbreviate(command)
              + "': "
              + why
              + " (reply '"
              + abbreviate(reply)
              + "')");
    }
  }

  static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
