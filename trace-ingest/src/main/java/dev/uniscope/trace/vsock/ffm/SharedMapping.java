package dev.uniscope.trace.vsock.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@code MAP_SHARED} mapping of a file descriptor (a memfd of guest RAM). The segment belongs to
 * a shared arena, so after {@link #close} any late access fails with an exception instead of
 * touching unmapped memory.
 */
public final class SharedMapping implements AutoCloseable {
  private final Arena arena;
  private final MemorySegment segment;

  private SharedMapping(Arena arena, MemorySegment segment) {
    this.arena = arena;
    this.segment = segment;
  }

  /** Maps the first {@code length} bytes of {@code fd}, read-write. */
  @SuppressWarnings("restricted") // the size is the one we just mapped
  public static SharedMapping map(int fd, long length) throws NativeException {
    if (length <= 0) {
      throw new IllegalArgumentException("mapping length must be positive: " + length);
    }
    MemorySegment base = Libc.mmapShared(fd, length);
    Arena arena = Arena.ofShared();
    MemorySegment seg = base.reinterpret(length, arena, s -> Libc.munmap(s, length));
    return new SharedMapping(arena, seg);
  }

  /** The whole mapping. */
  public MemorySegment segment() {
    return segment;
  }

  @Override
  public void close() {
    arena.close();
  }
}
