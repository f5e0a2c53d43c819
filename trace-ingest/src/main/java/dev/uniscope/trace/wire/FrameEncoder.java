package dev.uniscope.trace.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** Writes frames (docs/protocol.md section 2): used for commands, capture files and tests. */
public final class FrameEncoder {
  private FrameEncoder() {}

  /** Bytes a frame with this payload length takes. */
  public static int frameSize(int payloadLength) {
    return WireConstants.FRAME_HEADER + payloadLength;
  }

  /** Encodes one frame into a new heap buffer, positioned at 0. */
  public static ByteBuffer encode(FrameType type, int seq, ByteBuffer payload) {
    ByteBuffer out =
        ByteBuffer.allocate(frameSize(payload.remaining())).order(ByteOrder.LITTLE_ENDIAN);
    write(out, type, seq, payload);
    return out.flip();
  }

  /**
   * Appends one frame at {@code dst}'s position (advanced). The payload's position is unchanged.
   *
   * @throws IllegalArgumentException if the payload exceeds {@link WireConstants#MAX_PAYLOAD}
   */
  public static void write(ByteBuffer dst, FrameType type, int seq, ByteBuffer payload) {
    int length = payload.remaining();
    if (length > WireConstants.MAX_PAYLOAD) {
      throw new IllegalArgumentException("payload of " + length + " bytes exceeds MAX_PAYLOAD");
    }
    ByteBuffer d = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int start = d.position();
    d.putInt(WireConstants.SYNC);
    d.put((byte) type.code());
    d.put((byte) 0);
    d.putShort((short) seq);
    d.putInt(length);
    d.putInt(0);
    d.put(payload.duplicate());
    CRC32C crc = new CRC32C();
    crc.update(d.slice(start + 4, 8));
    crc.update(d.slice(start + WireConstants.FRAME_HEADER, length));
    d.putInt(start + 12, (int) crc.getValue());
    dst.position(d.position());
  }
}
