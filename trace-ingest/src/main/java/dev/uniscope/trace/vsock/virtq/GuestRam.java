package dev.uniscope.trace.vsock.virtq;

import java.lang.foreign.MemorySegment;

/** Guest-physical memory as the device sees it. */
public interface GuestRam {
  /**
   * The host view of guest-physical {@code [addr, addr + len)}, which must lie inside one memory
   * region. Both values are unsigned.
   *
   * @throws GuestFault if any byte of the range is outside guest memory
   */
  MemorySegment gpa(long addr, long len) throws GuestFault;
}
