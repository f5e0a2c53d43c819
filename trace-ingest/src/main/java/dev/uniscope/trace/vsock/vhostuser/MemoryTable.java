package dev.uniscope.trace.vsock.vhostuser;

import dev.uniscope.trace.vsock.ffm.Libc;
import dev.uniscope.trace.vsock.ffm.NativeException;
import dev.uniscope.trace.vsock.ffm.SharedMapping;
import dev.uniscope.trace.vsock.virtq.GuestFault;
import dev.uniscope.trace.vsock.virtq.GuestRam;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest RAM as mapped from SET_MEM_TABLE. Translates guest-physical addresses (descriptor buffers)
 * and front-end virtual addresses (ring areas) to host memory, each range inside exactly one
 * region, with unsigned 64-bit arithmetic throughout.
 */
public final class MemoryTable implements GuestRam, AutoCloseable {
  private record Mapped(MemoryRegion region, SharedMapping mapping, MemorySegment bytes) {}

  private final List<Mapped> regions;

  private MemoryTable(List<Mapped> regions) {
    this.regions = regions;
  }

  /**
   * Maps every region; takes ownership of the fds (closed here once mapped, the mappings keep the
   * memory alive).
   */
  public static MemoryTable map(List<MemoryRegion> regions, int[] fds) throws ProtocolException {
    List<Mapped> mapped = new ArrayList<>();
    try {
      for (int i = 0; i < regions.size(); i++) {
        MemoryRegion r = regions.get(i);
        check(r, i);
        long length = r.size() + r.mmapOffset();
        SharedMapping m;
        try {
          // Touching a mapping beyond the end of its file raises SIGBUS and would kill the JVM.
          long fileSize = Libc.fileSize(fds[i]);
          if (Long.compareUnsigned(length, fileSize) > 0) {
            throw new ProtocolException(
                "memory region "
                    + i
                    + " needs "
                    + length
                    + " bytes of its fd, which has only "
                    + fileSize);
          }
          m = SharedMapping.map(fds[i], length);
        } catch (NativeException e) {
          throw new ProtocolException("cannot map memory region " + i + ": " + e.getMessage());
        }
        mapped.add(new Mapped(r, m, m.segment().asSlice(r.mmapOffset(), r.size())));
      }
      return new MemoryTable(List.copyOf(mapped));
    } catch (ProtocolException | RuntimeException e) {
      mapped.forEach(m -> m.mapping().close());
      throw e;
    } finally {
      for (int fd : fds) {
        Libc.close(fd);
      }
    }
  }

  private static void check(MemoryRegion r, int i) throws ProtocolException {
    // Sizes must be positive and every start + size must not wrap around 2^64.
    if (r.size() <= 0 || r.mmapOffset() < 0 || r.size() + r.mmapOffset() < 0) {
      throw new ProtocolException(
          "memory region "
              + i
              + " has size 0x"
              + Long.toHexString(r.size())
              + " and mmap_offset 0x"
              + Long.toHexString(r.mmapOffset()));
    }
    if (Long.compareUnsigned(r.guestPhysAddr() + r.size(), r.guestPhysAddr()) < 0
        && r.guestPhysAddr() + r.size() != 0) {
      throw new ProtocolException("memory region " + i + " wraps the guest-physical space");
    }
    if (Long.compareUnsigned(r.userAddr() + r.size(), r.userAddr()) < 0
        && r.userAddr() + r.size() != 0) {
      throw new ProtocolException("memory region " + i + " wraps the front-end address space");
    }
  }

  public List<MemoryRegion> regions() {
    return regions.stream().map(Mapped::region).toList();
  }

  @Override
  public MemorySegment gpa(long addr, long len) throws GuestFault {
    for (Mapped m : regions) {
      MemorySegment s = slice(m, m.region().guestPhysAddr(), addr, len);
      if (s != null) {
        return s;
      }
    }
    throw new GuestFault(
        "guest-physical range 0x"
            + Long.toHexString(addr)
            + "+0x"
            + Long.toHexString(len)
            + " is outside guest memory");
  }

  /** A ring area given by the front-end's virtual address (SET_VRING_ADDR). */
  public MemorySegment uva(long addr, long len) throws GuestFault {
    for (Mapped m : regions) {
      MemorySegment s = slice(m, m.region().userAddr(), addr, len);
      if (s != null) {
        return s;
      }
    }
    throw new GuestFault(
        "front-end address range 0x"
            + Long.toHexString(addr)
            + "+0x"
            + Long.toHexString(len)
            + " is outside the memory table");
  }

  /** The host slice if {@code [addr, addr+len)} lies in the region starting at {@code start}. */
  private static MemorySegment slice(Mapped m, long start, long addr, long len) {
    long size = m.region().size();
    if (Long.compareUnsigned(addr, start) < 0) {
      return null;
    }
    long off = addr - start;
    if (Long.compareUnsigned(off, size) >= 0) {
      return null;
    }
    if (Long.compareUnsigned(len, size - off) > 0) {
      return null;
    }
    return m.bytes().asSlice(off, len);
  }

  @Override
  public void close() {
    regions.forEach(m -> m.mapping().close());
  }
}
