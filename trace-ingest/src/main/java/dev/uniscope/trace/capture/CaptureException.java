package dev.uniscope.trace.capture;

import java.io.IOException;

/** A file that is not a readable capture at all (bad magic, unsupported version, too short). */
public final class CaptureException extends IOException {
  public CaptureException(String message) {
    super(message);
  }
}
