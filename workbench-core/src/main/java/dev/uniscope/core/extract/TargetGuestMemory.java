package dev.uniscope.core.extract;

import dev.uniscope.core.memory.MemoryReader;
import dev.uniscope.core.memory.TargetMemory;
import dev.uniscope.trace.memory.GuestMemory;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * trace-ingest's {@link GuestMemory} over one address space of a {@link TargetMemory} (live or
 * dump). Reads are split at {@link TargetMemory#MAX_READ}; failures keep the target's exception (a
 * {@code MemoryAccessException}, which is an {@link IOException}) so the address is named.
 */
public record TargetGuestMemory(MemoryReader reader) implements GuestMemory {

  /** Virtual memory, through the target's page tables: what the ring directory's pointers are. */
  public static TargetGuestMemory virtual(TargetMemory memory) {
    return new TargetGuestMemory(memory.virtual());
  }

  /** Physical memory: for the directory scan. */
  public static TargetGuestMemory physical(TargetMemory memory) {
    return new TargetGuestMemory(memory.physical());
  }

  @Override
  public void read(long address, ByteBuffer dst) throws IOException {
    long at = address;
    while (dst.hasRemaining()) {
      int n = Math.min(dst.remaining(), TargetMemory.MAX_READ);
      if (dst.hasArray()) {
        reader.read(at, dst.array(), dst.arrayOffset() + dst.position(), n);
        dst.position(dst.position() + n);
      } else {
        dst.put(reader.read(at, n));
      }
      at += n;
    }
  }
}
