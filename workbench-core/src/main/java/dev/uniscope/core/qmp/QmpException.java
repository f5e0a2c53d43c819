package dev.uniscope.core.qmp;

/** A QMP failure: the connection, the protocol, or an error reply from QEMU. */
public final class QmpException extends Exception {
  private static final long serialVersionUID = 1L;

  public QmpException(String message) {
    super(message);
  }

  public QmpException(String message, Throwable cause) {
    super(message, cause);
  }
}
