package dev.uniscope.core.memory;

import java.io.IOException;

/**
 * A read of target memory could not be answered with the target's real bytes. Every subclass names
 * the address involved, so a caller never receives garbage in place of memory that is not there.
 */
public abstract sealed class MemoryAccessException extends IOException
    permits UnmappedAddressException,
        AbsentMemoryException,
        ReadLimitException,
        TargetAccessException,
        MalformedDumpException {
  private static final long serialVersionUID = 1L;

  protected MemoryAccessException(String message) {
    super(message);
  }

  protected MemoryAccessException(String message, Throwable cause) {
    super(message, cause);
  }

  static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }
}
