package dev.uniscope.gdbstub.rsp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes {@link RspPacket}s as {@code $payload#cc}, escaping the four bytes RSP reserves ({@code $
 * # } *}), and {@link RspControl}s as their single byte.
 */
@ChannelHandler.Sharable
public final class RspFrameEncoder extends MessageToByteEncoder<RspFrame> {

  public RspFrameEncoder() {
    super(RspFrame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, RspFrame msg, ByteBuf out) {
    switch (msg) {
      case RspControl c -> out.writeByte(c.wire());
      case RspPacket p -> encodePacket(p.content(), out);
      case RspCorrupt c -> throw new IllegalArgumentException("cannot send a corrupt frame");
    }
  }

  /** Frames {@code payload} (not consumed) into {@code out}. */
  public static void encodePacket(ByteBuf payload, ByteBuf out) {
    int n = payload.readableBytes();
    out.ensureWritable(n + 4);
    out.writeByte('$');
    int sum = 0;
    for (int i = payload.readerIndex(), end = payload.writerIndex(); i < end; i++) {
      byte c = payload.getByte(i);
      if (c == '$' || c == '#' || c == '}' || c == '*') {
        out.writeByte('}');
        c ^= 0x20;
        sum += '}';
      }
      out.writeByte(c);
      sum += c & 0xff;
    }
    out.writeByte('#');
    out.writeByte(Hex.DIGITS[(sum >> 4) & 0xf]);
    out.writeByte(Hex.DIGITS[sum & 0xf]);
  }
}
