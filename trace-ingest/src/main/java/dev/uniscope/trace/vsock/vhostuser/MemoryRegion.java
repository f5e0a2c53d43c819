package dev.uniscope.trace.vsock.vhostuser;

/**
 * One SET_MEM_TABLE region: guest-physical start, size, the front-end's virtual address for the
 * same bytes, and where they start in the fd. All values are unsigned 64-bit.
 */
public record MemoryRegion(long guestPhysAddr, long size, long userAddr, long mmapOffset) {
  public static final int BYTES = 32;
}
