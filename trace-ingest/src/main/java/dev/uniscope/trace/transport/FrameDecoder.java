package dev.uniscope.trace.transport;

import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameSync;
import dev.uniscope.trace.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits the byte stream into {@link ReceivedFrame}s, resynchronizing after garbage
 * (docs/protocol.md section 2). Problems ({@link FrameProblem}) travel down the pipeline as
 * messages, in stream order with the frames. Buffers at most one maximal frame; never copies.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final FrameSync sync = new FrameSync();

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    feed(in, out, false);
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    feed(in, out, true);
  }

  private void feed(ByteBuf in, List<Object> out, boolean end) {
    if (!in.isReadable() && !end) {
      return;
    }
    int base = in.readerIndex();
    ByteBuffer window = in.nioBuffer(base, in.readableBytes());
    int used =
        sync.feed(
            window,
            end,
            new FrameSync.Listener() {
              @Override
              public void frame(
                  long offset, FrameType type, int seq, ByteBuffer w, int start, int length) {
                int at = base + (start - w.position());
                out.add(new ReceivedFrame(offset, type, seq, in.retainedSlice(at, 16 + length)));
              }

              @Override
              public void problem(FrameProblem problem) {
                out.add(problem);
              }
            });
    in.skipBytes(used);
  }
}
