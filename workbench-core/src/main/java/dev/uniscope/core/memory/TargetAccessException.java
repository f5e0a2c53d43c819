package dev.uniscope.core.memory;

/** The live target could not be read: the gdb stub failed, timed out or went away. */
public final class TargetAccessException extends MemoryAccessException {
  private static final long serialVersionUID = 1L;

  public TargetAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
