package dev.uniscope.core.memory;

/**
 * A physical address is not backed by the target's RAM or ROM (a hole in the physical map, MMIO, or
 * memory a dump did not include). Distinct from memory that holds zeros.
 */
public final class AbsentMemoryException extends MemoryAccessException {
  private static final long serialVersionUID = 1L;

  private final long physicalAddress;

  public AbsentMemoryException(long physicalAddress, String why) {
    super("physical address " + hex(physicalAddress) + " is absent: " + why);
    this.physicalAddress = physicalAddress;
  }

  public long physicalAddress() {
    return physicalAddress;
  }
}
