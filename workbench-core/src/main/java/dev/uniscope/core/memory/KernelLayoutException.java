package dev.uniscope.core.memory;

import java.io.IOException;

/**
 * The kernel's layout could not be established or does not fit: no valid layout block, a block the
 * kernel has not filled yet, sources that disagree, or a build-id that is not the ELF's.
 */
public final class KernelLayoutException extends IOException {
  private static final long serialVersionUID = 1L;

  public KernelLayoutException(String message) {
    super(message);
  }

  public KernelLayoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
