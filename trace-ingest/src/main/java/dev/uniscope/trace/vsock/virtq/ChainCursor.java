package dev.uniscope.trace.vsock.virtq;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** Reads or writes a chain as one byte stream, across descriptor boundaries. */
public final class ChainCursor {
  private final List<MemorySegment> buffers;
  private int index;
  private long offset;
  private long position;

  ChainCursor(List<MemorySegment> buffers) {
    this.buffers = buffers;
  }

  /** Bytes consumed or produced so far. */
  public long position() {
    return position;
  }

  /** Copies up to {@code len} bytes out of the chain; returns how many it copied. */
  public int read(byte[] dst, int off, int len) {
    int done = 0;
    while (done < len && index < buffers.size()) {
      MemorySegment b = buffers.get(index);
      int n = (int) Math.min(len - done, b.byteSize() - offset);
      MemorySegment.copy(b, ValueLayout.JAVA_BYTE, offset, dst, off + done, n);
      advance(b, n);
      done += n;
    }
    return done;
  }

  /** Copies up to {@code len} bytes into the chain; returns how many fitted. */
  public int write(byte[] src, int off, int len) {
    int done = 0;
    while (done < len && index < buffers.size()) {
      MemorySegment b = buffers.get(index);
      int n = (int) Math.min(len - done, b.byteSize() - offset);
      MemorySegment.copy(src, off + done, b, ValueLayout.JAVA_BYTE, offset, n);
      advance(b, n);
      done += n;
    }
    return done;
  }

  private void advance(MemorySegment b, int n) {
    offset += n;
    position += n;
    while (index < buffers.size() && offset == buffers.get(index).byteSize()) {
      index++;
      offset = 0;
    }
  }
}
