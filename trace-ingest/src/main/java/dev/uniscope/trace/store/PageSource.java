package dev.uniscope.trace.store;

import java.nio.ByteBuffer;

/** Where page bytes live (the memory-mapped capture file, or a file being written). */
public interface PageSource {
  /**
   * The page payload stored at {@code offset}, {@code length} bytes; little-endian, position 0.
   *
   * @throws IllegalArgumentException if the range is outside the source
   */
  ByteBuffer page(long offset, int length);
}
