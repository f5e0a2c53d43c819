package dev.uniscope.trace.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Finds frames in a byte stream and resynchronizes after garbage (docs/protocol.md section 2).
 *
 * <p>Stateful only in the stream offset and the current garbage run, so the caller owns the
 * buffering: it feeds a window of unconsumed bytes, this reports frames and problems and says how
 * many bytes were consumed; unconsumed bytes must be offered again with more data appended. It
 * never buffers or allocates per frame, and never needs more than {@code 16 + MAX_PAYLOAD} bytes.
 */
public final class FrameSync {

  /** Receives what {@link #feed} finds. */
  public interface Listener {
    /**
     * A valid frame. {@code frameStart} is its position in the window passed to {@link #feed}; the
     * payload is at {@code frameStart + 16}, {@code length} bytes. The window's bytes are only
     * valid during the call.
     */
    void frame(
        long streamOffset, FrameType type, int seq, ByteBuffer window, int frameStart, int length);

    void problem(FrameProblem problem);
  }

  private final CRC32C crc = new CRC32C();
  private long streamOffset;
  private long garbageOrigin;
  private long garbageLength;
  private long frames;

  public FrameSync() {
    this(0);
  }

  /** Starts counting stream offsets at {@code startOffset} (e.g. the end of a file header). */
  public FrameSync(long startOffset) {
    this.streamOffset = startOffset;
  }

  /** Stream offset of the next byte not yet consumed. */
  public long offset() {
    return streamOffset;
  }

  /** Number of valid frames delivered so far. */
  public long frames() {
    return frames;
  }

  /**
   * Consumes complete frames and garbage from {@code window[position, limit)} (not modified).
   *
   * @param endOfStream no more bytes will come: a partial frame is reported as truncated and
   *     everything is consumed
   * @return the number of bytes consumed from the window's position
   */
  public int feed(ByteBuffer window, boolean endOfStream, Listener listener) {
    ByteBuffer w = window.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int base = w.position();
    int limit = w.limit();
    int pos = base;
    while (true) {
      int sync = findSync(w, pos, limit);
      if (sync < 0) {
        // Keep the last 3 bytes: they may be the start of a sync word.
        int keep = endOfStream ? 0 : Math.min(3, limit - pos);
        addGarbage(streamOffset + (pos - base), limit - keep - pos);
        pos = limit - keep;
        break;
      }
      addGarbage(streamOffset + (pos - base), sync - pos);
      pos = sync;
      int avail = limit - pos;
      if (avail < WireConstants.FRAME_HEADER) {
        if (endOfStream) {
          flushGarbage(listener);
          listener.problem(
              new FrameProblem.Truncated(
                  streamOffset + (pos - base), avail, WireConstants.FRAME_HEADER));
          pos = limit;
        }
        break;
      }
      FrameType type = FrameType.ofCode(w.get(pos + 4) & 0xFF);
      int flags = w.get(pos + 5) & 0xFF;
      long length = Integer.toUnsignedLong(w.getInt(pos + 8));
      if (type == null || flags != 0 || length > WireConstants.MAX_PAYLOAD) {
        addGarbage(streamOffset + (pos - base), 1);
        pos += 1;
        continue;
      }
      long total = WireConstants.FRAME_HEADER + length;
      if (avail < total) {
        if (!endOfStream) {
          break;
        }
        // The claimed frame runs past the end; real frames may still hide inside its bytes.
        flushGarbage(listener);
        listener.problem(new FrameProblem.Truncated(streamOffset + (pos - base), avail, total));
        addGarbage(streamOffset + (pos - base), 1);
        pos += 1;
        continue;
      }
      int stored = w.getInt(pos + 12);
      int computed = crcOf(w, pos, (int) length);
      if (stored != computed) {
        flushGarbage(listener);
        listener.problem(
            new FrameProblem.CrcMismatch(
                streamOffset + (pos - base), type, (int) length, stored, computed));
        addGarbage(streamOffset + (pos - base), 1);
        pos += 1;
        continue;
      }
      flushGarbage(listener);
      frames++;
      int seq = w.getShort(pos + 6) & 0xFFFF;
      long at = streamOffset + (pos - base);
      pos += (int) total;
      listener.frame(at, type, seq, window, pos - (int) total, (int) length);
    }
    if (endOfStream) {
      flushGarbage(listener);
    }
    int consumed = pos - base;
    streamOffset += consumed;
    return consumed;
  }

  /** CRC32C over header bytes 4..11 then the payload. */
  private int crcOf(ByteBuffer w, int frameStart, int length) {
    crc.reset();
    crc.update(w.slice(frameStart + 4, 8));
    crc.update(w.slice(frameStart + WireConstants.FRAME_HEADER, length));
    return (int) crc.getValue();
  }

  private static int findSync(ByteBuffer w, int from, int limit) {
    for (int i = from; i + 4 <= limit; i++) {
      if ((w.get(i) & 0xFF) == 0xE1 && w.getInt(i) == WireConstants.SYNC) {
        return i;
      }
    }
    return -1;
  }

  private void addGarbage(long at, long n) {
    if (n <= 0) {
      return;
    }
    if (garbageLength == 0) {
      garbageOrigin = at;
    }
    garbageLength += n;
  }

  private void flushGarbage(Listener listener) {
    if (garbageLength > 0) {
      listener.problem(new FrameProblem.Garbage(garbageOrigin, garbageLength));
    }
    garbageLength = 0;
  }
}
