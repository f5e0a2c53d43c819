package dev.uniscope.trace.memory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads guest virtual memory: through the gdb stub on a live VM, or from a dump. Implemented by
 * workbench-core; trace-ingest only needs this much.
 */
@FunctionalInterface
public interface GuestMemory {
  /**
   * Fills {@code dst} from position to limit with the bytes at {@code address}.
   *
   * @throws IOException if the memory cannot be read (unmapped, not in the dump, stub error)
   */
  void read(long address, ByteBuffer dst) throws IOException;
}
