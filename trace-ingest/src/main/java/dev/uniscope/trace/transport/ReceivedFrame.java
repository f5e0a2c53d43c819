package dev.uniscope.trace.transport;

import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.WireConstants;
import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A CRC-checked frame from the stream; owns a retained slice of the receive buffer (release it, or
 * pass it on, like any Netty message).
 *
 * @param streamOffset offset of the frame's first byte in the connection's byte stream
 */
public final class ReceivedFrame extends AbstractReferenceCounted {
  private final long streamOffset;
  private final FrameType type;
  private final int seq;
  private final ByteBuf frame;

  ReceivedFrame(long streamOffset, FrameType type, int seq, ByteBuf frame) {
    this.streamOffset = streamOffset;
    this.type = type;
    this.seq = seq;
    this.frame = frame;
  }

  public long streamOffset() {
    return streamOffset;
  }

  public FrameType type() {
    return type;
  }

  public int seq() {
    return seq;
  }

  /** The whole frame (header + payload) as a little-endian NIO view, no copy for direct buffers. */
  public ByteBuffer frameBytes() {
    return frame
        .nioBuffer(frame.readerIndex(), frame.readableBytes())
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The payload as a little-endian NIO view. */
  public ByteBuffer payload() {
    return frame
        .nioBuffer(
            frame.readerIndex() + WireConstants.FRAME_HEADER,
            frame.readableBytes() - WireConstants.FRAME_HEADER)
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  protected void deallocate() {
    frame.release();
  }

  @Override
  public ReceivedFrame touch(Object hint) {
    frame.touch(hint);
    return this;
  }

  @Override
  public String toString() {
    return type + " frame #" + seq + " at stream offset " + streamOffset;
  }
}
