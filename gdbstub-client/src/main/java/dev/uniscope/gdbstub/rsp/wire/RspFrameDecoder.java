package dev.uniscope.gdbstub.rsp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.List;

/**
 * Splits an RSP byte stream into {@link RspFrame}s. Packets are checked against their checksum
 * (mismatches become {@link RspCorrupt}), then unescaped ({@code '}'} + byte^0x20) and run-length
 * expanded ({@code '*'} + count+29). Both the raw packet and the expanded payload are bounded, so a
 * misbehaving peer cannot make us buffer without limit.
 */
public final class RspFrameDecoder extends ByteToMessageDecoder {

  /** QEMU's own buffer is 4096 bytes; leave generous headroom for other stubs and gdb. */
  public static final int DEFAULT_MAX_PAYLOAD = 64 * 1024;

  private final int maxPayload;

  public RspFrameDecoder() {
    this(DEFAULT_MAX_PAYLOAD);
  }

  public RspFrameDecoder(int maxPayload) {
    if (maxPayload < 16) {
      throw new IllegalArgumentException("maxPayload too small: " + maxPayload);
    }
    this.maxPayload = maxPayload;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int start = in.readerIndex();
      byte b = in.getByte(start);
      switch (b) {
        case '$' -> {
          if (!decodePacket(in, out)) {
            return;
          }
        }
        case '+' -> {
          in.skipBytes(1);
          out.add(RspControl.ACK);
        }
        case '-' -> {
          in.skipBytes(1);
          out.add(RspControl.NAK);
        }
        case 0x03 -> {
          in.skipBytes(1);
          out.add(RspControl.INTERRUPT);
        }
        // Anything else between packets is line noise; gdb ignores it too.
        default -> in.skipBytes(1);
      }
    }
  }

  /** Returns false when the packet is incomplete and more bytes are needed. */
  private boolean decodePacket(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    int hash = in.indexOf(start + 1, end, (byte) '#');
    if (hash < 0) {
      // The raw form can be at most twice the payload (every byte escaped) plus framing.
      if (end - start > 2 * maxPayload + 4) {
        in.skipBytes(end - start);
        throw new RspFramingException(
            "packet longer than " + maxPayload + " bytes without a '#' terminator");
      }
      return false;
    }
    if (hash + 2 >= end) {
      return false;
    }
    ChecksumScan scan = this.scan;
    scan.reset();
    in.forEachByte(start + 1, hash - start - 1, scan);
    int actual = scan.sum & 0xff;
    int hi = Hex.digit(in.getByte(hash + 1));
    int lo = Hex.digit(in.getByte(hash + 2));
    int rawLength = hash - start - 1;
    in.readerIndex(hash + 3);
    int expected = (hi < 0 || lo < 0) ? -1 : (hi << 4) | lo;
    if (expected != actual) {
      out.add(new RspCorrupt(expected, actual, rawLength));
      return true;
    }
    if (!scan.special && rawLength <= maxPayload) {
      // Nothing escaped or run-length encoded (every m/g reply from QEMU): no copy.
      out.add(new RspPacket(in.retainedSlice(start + 1, rawLength)));
    } else {
      out.add(new RspPacket(expand(in, start + 1, hash)));
    }
    return true;
  }

  private final ChecksumScan scan = new ChecksumScan();

  /** Sums the raw bytes and notes whether any escape or run-length marker occurs. */
  private static final class ChecksumScan implements ByteProcessor {
    int sum;
    boolean special;

    void reset() {
      sum = 0;
      special = false;
    }

    @Override
    public boolean process(byte b) {
      sum += b & 0xff;
      if (b == '}' || b == '*') {
        special = true;
      }
      return true;
    }
  }

  private ByteBuf expand(ByteBuf in, int from, int to) {
    ByteBuf payload = in.alloc().buffer(Math.min(to - from, maxPayload));
    boolean ok = false;
    try {
      int i = from;
      while (i < to) {
        byte c = in.getByte(i++);
        if (c == '}') {
          if (i >= to) {
            throw new RspFramingException("packet ends inside an escape");
          }
          c = (byte) (in.getByte(i++) ^ 0x20);
        } else if (c == '*') {
          if (i >= to) {
            throw new RspFramingException("packet ends inside a run-length");
          }
          if (!payload.isReadable()) {
            throw new RspFramingException("run-length with no preceding character");
          }
          int count = (in.getByte(i++) & 0xff) - 29;
          if (count < 0) {
            throw new RspFramingException("negative run-length " + count);
          }
          checkRoom(payload, count);
          byte prev = payload.getByte(payload.writerIndex() - 1);
          for (int k = 0; k < count; k++) {
            payload.writeByte(prev);
          }
          continue;
        }
        checkRoom(payload, 1);
        payload.writeByte(c);
      }
      ok = true;
      return payload;
    } finally {
      if (!ok) {
        payload.release();
      }
    }
  }

  private void checkRoom(ByteBuf payload, int more) {
    if (payload.readableBytes() + more > maxPayload) {
      throw new RspFramingException("packet payload exceeds " + maxPayload + " bytes");
    }
  }
}
