package dev.uniscope.trace.transport;

import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.wire.FrameProblem;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The end of the inbound pipeline: appends every frame to the capture (which decodes it) and logs
 * problems. Flushes the file after each socket read so a crash loses at most that read. An I/O
 * error on the capture file closes the connection (nothing can be recorded any more).
 */
public final class CaptureHandler extends ChannelInboundHandlerAdapter {
  private final LiveCapture capture;

  public CaptureHandler(LiveCapture capture) {
    this.capture = capture;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
    try {
      switch (msg) {
        case ReceivedFrame f -> capture.frame(f.frameBytes());
        case FrameProblem p -> capture.problem(p);
        default -> ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws IOException {
    capture.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    capture.session().problems().add("connection closed: " + cause);
    ctx.close();
  }
}
