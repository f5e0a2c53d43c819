package dev.uniscope.core.memory;

/**
 * A virtual address has no translation in the target's page tables: a non-present entry, or a
 * non-canonical address. {@link #virtualAddress()} is the address that was asked for.
 */
public final class UnmappedAddressException extends MemoryAccessException {
  private static final long serialVersionUID = 1L;

  private final long virtualAddress;

  public UnmappedAddressException(long virtualAddress, String why) {
    super("virtual address " + hex(virtualAddress) + " is not mapped: " + why);
    this.virtualAddress = virtualAddress;
  }

  public long virtualAddress() {
    return virtualAddress;
  }
}
