package dev.uniscope.trace.vsock.virtq;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A validated descriptor chain: its head index and its buffers, already translated to host memory
 * and bounds-checked, all device-readable (tx) or all device-writable (rx).
 */
public record Chain(int head, List<MemorySegment> buffers, long totalBytes) {
  public Chain {
    buffers = List.copyOf(buffers);
  }

  public ChainCursor cursor() {
    return new ChainCursor(buffers);
  }
}
