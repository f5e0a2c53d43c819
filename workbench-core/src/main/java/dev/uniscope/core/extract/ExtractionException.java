package dev.uniscope.core.extract;

import java.io.IOException;

/** The rings cannot be extracted: no directory, or one whose values are out of range. */
public final class ExtractionException extends IOException {
  private static final long serialVersionUID = 1L;

  public ExtractionException(String message) {
    super(message);
  }
}
