package dev.uniscope.gdbstub.rsp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * A packet payload, already unescaped and run-length expanded (inbound) or not yet escaped
 * (outbound). Reference counted: whoever ends its journey releases it.
 */
public final class RspPacket extends DefaultByteBufHolder implements RspFrame {

  public RspPacket(ByteBuf payload) {
    super(payload);
  }

  /** A packet holding the ISO-8859-1 bytes of {@code payload} (RSP commands are ASCII). */
  public static RspPacket of(String payload) {
    return new RspPacket(Unpooled.wrappedBuffer(payload.getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** The payload as text, one char per byte. */
  public String text() {
    return content().toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public RspPacket replace(ByteBuf content) {
    return new RspPacket(content);
  }

  @Override
  public RspPacket retainedDuplicate() {
    return replace(content().retainedDuplicate());
  }

  @Override
  public RspPacket duplicate() {
    return replace(content().duplicate());
  }

  @Override
  public RspPacket copy() {
    return replace(content().copy());
  }

  @Override
  public RspPacket retain() {
    super.retain();
    return this;
  }

  @Override
  public RspPacket touch(Object hint) {
    super.touch(hint);
    return this;
  }

  @Override
  public String toString() {
    String t = text();
    return "RspPacket[" + (t.length() > 64 ? t.substring(0, 64) + "..." : t) + "]";
  }
}
