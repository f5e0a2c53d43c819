package dev.uniscope.trace.memory;

import java.io.IOException;

/** A ring directory header that is not one, or whose values are out of range. */
public final class DirectoryException extends IOException {
  private static final long serialVersionUID = 1L;

  public DirectoryException(String message) {
    super(message);
  }
}
