package dev.uniscope.trace.vsock.vhostuser;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The 12-byte vhost-user header: request, flags, payload size (host byte order). */
public record MessageHeader(int request, int flags, int size) {
  public static final int BYTES = 12;
  public static final int VERSION = 0x1;
  public static final int VERSION_MASK = 0x3;
  public static final int REPLY = 0x4;
  public static final int NEED_REPLY = 0x8;

  /** Largest payload we accept: config (12 + 256) is the biggest message we serve. */
  public static final int MAX_PAYLOAD = 4096;

  public boolean needReply() {
    return (flags & NEED_REPLY) != 0;
  }

  /** Validates what the front-end sent: version 1 and a bounded payload. */
  public static MessageHeader decode(byte[] b) throws ProtocolException {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    MessageHeader h = new MessageHeader(bb.getInt(0), bb.getInt(4), bb.getInt(8));
    if ((h.flags & VERSION_MASK) != VERSION) {
      throw new ProtocolException(
          "bad version in flags 0x" + Integer.toHexString(h.flags) + " of " + h.describe());
    }
    if (h.size < 0 || h.size > MAX_PAYLOAD) {
      throw new ProtocolException(
          "payload size "
              + Integer.toUnsignedString(h.size)
              + " of "
              + h.describe()
              + " exceeds "
              + MAX_PAYLOAD);
    }
    return h;
  }

  /** A reply header as QEMU insists on it: same request, flags exactly 0x5. */
  public static byte[] reply(int request, int size) {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(request)
        .putInt(VERSION | REPLY)
        .putInt(size)
        .array();
  }

  public byte[] encode() {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(request)
        .putInt(flags)
        .putInt(size)
        .array();
  }

  public String describe() {
    return Request.describe(request);
  }
}
