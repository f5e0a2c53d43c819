package dev.uniscope.trace.vsock.connect;

import dev.uniscope.trace.vsock.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct sockaddr_vm} from Linux {@code vm_sockets.h}: 16 bytes in host byte order (not
 * network order).
 */
public final class SockaddrVm {
  public static final StructLayout LAYOUT =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_SHORT.withName("svm_family"),
          ValueLayout.JAVA_SHORT.withName("svm_reserved1"),
          ValueLayout.JAVA_INT.withName("svm_port"),
          ValueLayout.JAVA_INT.withName("svm_cid"),
          ValueLayout.JAVA_BYTE.withName("svm_flags"),
          MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_BYTE).withName("svm_zero"));

  private SockaddrVm() {}

  public static long offsetOf(String field) {
    return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
  }

  /** A zeroed sockaddr_vm for {@code address}, allocated in {@code arena}. */
  public static MemorySegment of(Arena arena, VsockAddress address) {
    MemorySegment s = arena.allocate(LAYOUT);
    s.set(ValueLayout.JAVA_SHORT, offsetOf("svm_family"), (short) Libc.AF_VSOCK);
    s.set(ValueLayout.JAVA_INT, offsetOf("svm_port"), address.port());
    s.set(ValueLayout.JAVA_INT, offsetOf("svm_cid"), (int) address.cid());
    return s;
  }
}
