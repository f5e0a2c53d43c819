package dev.uniscope.trace.transport;

import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.command.Command;
import dev.uniscope.trace.command.CommandCodec;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameProblem;
import dev.uniscope.trace.wire.FrameType;
import dev.uniscope.trace.wire.PayloadException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends {@link Command}s as COMMAND frames and completes their futures from REPLY frames (matched
 * by request id). REPLY frames also continue down the pipeline so they are captured. Runs on the
 * channel's event loop only.
 */
public final class CommandHandler extends ChannelDuplexHandler {
  /** A command with the future its reply completes. */
  record Pending(Command command, CompletableFuture<Reply> reply) {}

  private final Map<Integer, CompletableFuture<Reply>> waiting = new HashMap<>();
  private final LiveCapture capture;
  private int nextRequest = 1;
  private int frameSeq;

  /**
   * @param capture where sent commands are recorded (docs/capture-format.md), or null
   */
  public CommandHandler(LiveCapture capture) {
    this.capture = capture;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof Pending p)) {
      ctx.write(msg, promise);
      return;
    }
    int id = nextRequest++;
    waiting.put(id, p.reply());
    var frame =
        FrameEncoder.encode(
            FrameType.COMMAND, frameSeq++, CommandCodec.encodeCommand(id, p.command()));
    if (capture != null) {
      try {
        capture.frame(frame.duplicate());
      } catch (IOException e) {
        ctx.fireExceptionCaught(e);
      }
    }
    ctx.write(Unpooled.wrappedBuffer(frame), promise)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                waiting.remove(id);
                p.reply().completeExceptionally(f.cause());
              }
            });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ReceivedFrame f && f.type() == FrameType.REPLY) {
      try {
        Reply r = CommandCodec.decodeReply(f.payload());
        CompletableFuture<Reply> future = waiting.remove(r.requestId());
        if (future != null) {
          future.complete(r);
        }
      } catch (PayloadException e) {
        ctx.fireChannelRead(new FrameProblem.BadPayload(f.streamOffset(), e.getMessage()));
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (CompletableFuture<Reply> f : waiting.values()) {
      f.completeExceptionally(new ClosedChannelException());
    }
    waiting.clear();
    ctx.fireChannelInactive();
  }
}
