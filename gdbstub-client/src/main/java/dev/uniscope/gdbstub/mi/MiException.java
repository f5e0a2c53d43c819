package dev.uniscope.gdbstub.mi;

/** gdb answered {@code ^error}, produced malformed MI, timed out or died. */
public class MiException extends RuntimeException {
  public MiException(String message) {
    super(message);
  }

  public MiException(String message, Throwable cause) {
    super(message, cause);
  }
}
