package dev.uniscope.gdbstub.rsp.wire;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The acknowledgement layer. Answers every intact packet with {@code +} and every corrupt one with
 * {@code -}; keeps the packets we sent until the peer acknowledges them, in order (QEMU handles
 * packets one at a time, so acks arrive in send order even when requests are pipelined), and sends
 * the oldest unacknowledged one again on {@code -}. QEMU 7.2 has no no-ack mode, so this is always
 * on. Acks and corrupt frames stop here; packets and interrupts travel on.
 */
public final class RspAckHandler extends ChannelDuplexHandler {

  /** Bounded so a peer that never acks (or one in no-ack mode) cannot grow the queue. */
  private static final int MAX_UNACKED = 1024;

  private final int maxRetransmits;
  private final ArrayDeque<RspPacket> unacked = new ArrayDeque<>();
  private int retransmits;

  public RspAckHandler() {
    this(5);
  }

  public RspAckHandler(int maxRetransmits) {
    this.maxRetransmits = maxRetransmits;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (msg) {
      case RspPacket p -> {
        ctx.writeAndFlush(RspControl.ACK);
        ctx.fireChannelRead(p);
      }
      case RspCorrupt c -> ctx.writeAndFlush(RspControl.NAK);
      case RspControl c when c == RspControl.ACK -> {
        RspPacket acked = unacked.poll();
        if (acked != null) {
          acked.release();
        }
        retransmits = 0;
      }
      case RspControl c when c == RspControl.NAK -> retransmit(ctx);
      default -> ctx.fireChannelRead(msg);
    }
  }

  private void retransmit(ChannelHandlerContext ctx) {
    RspPacket head = unacked.peek();
    if (head == null) {
      return; // a stray '-' with nothing outstanding: nothing to resend
    }
    if (++retransmits > maxRetransmits) {
      ctx.fireExceptionCaught(
          new RspFramingException(
              "peer rejected packet " + head + " " + maxRetransmits + " times (checksum errors)"));
      return;
    }
    ctx.writeAndFlush(head.retainedDuplicate());
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof RspPacket p) {
      if (unacked.size() >= MAX_UNACKED) {
        ReferenceCountUtil.release(unacked.poll());
      }
      unacked.add(p.retainedDuplicate());
    }
    ctx.write(msg, promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseAll();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseAll();
    ctx.fireChannelInactive();
  }

  private void releaseAll() {
    RspPacket p;
    while ((p = unacked.poll()) != null) {
      p.release();
    }
  }
}
