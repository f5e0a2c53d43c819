package dev.uniscope.core.memory;

/**
 * A read longer than {@link TargetMemory#MAX_READ}, or one whose range wraps around the address
 * space. Lengths often come from guest data, so this is a checked error rather than a crash.
 */
public final class ReadLimitException extends MemoryAccessException {
  private static final long serialVersionUID = 1L;

  public ReadLimitException(long address, long length, String why) {
    super("read of " + length + " bytes at " + hex(address) + " refused: " + why);
  }
}
