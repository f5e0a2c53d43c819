package dev.uniscope.trace.vsock.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_vsock_hdr}, 44 bytes, little-endian. Ports, {@code len}, {@code buf_alloc}
 * and {@code fwd_cnt} are unsigned 32-bit on the wire and kept as raw ints here.
 */
public record VsockHeader(
    long srcCid,
    long dstCid,
    int srcPort,
    int dstPort,
    int len,
    short type,
    short op,
    int flags,
    int bufAlloc,
    int fwdCnt) {
  public static final int BYTES = 44;
  public static final short TYPE_STREAM = 1;
  public static final int SHUTDOWN_RCV = 0x1;
  public static final int SHUTDOWN_SEND = 0x2;

  public static VsockHeader decode(byte[] b) {
    if (b.length < BYTES) {
      throw new IllegalArgumentException("vsock header needs 44 bytes, got " + b.length);
    }
    ByteBuffer p = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    return new VsockHeader(
        p.getLong(0),
        p.getLong(8),
        p.getInt(16),
        p.getInt(20),
        p.getInt(24),
        p.getShort(28),
        p.getShort(30),
        p.getInt(32),
        p.getInt(36),
        p.getInt(40));
  }

  public byte[] encode() {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(srcCid)
        .putLong(dstCid)
        .putInt(srcPort)
        .putInt(dstPort)
        .putInt(len)
        .putShort(type)
        .putShort(op)
        .putInt(flags)
        .putInt(bufAlloc)
        .putInt(fwdCnt)
        .array();
  }

  public long lenUnsigned() {
    return Integer.toUnsignedLong(len);
  }

  /** For logs: "RW 3:1234 -> 2:5000 len 100". */
  public String describe() {
    String name = Op.of(op).map(Enum::name).orElse("op " + op);
    return name
        + " "
        + srcCid
        + ":"
        + Integer.toUnsignedString(srcPort)
        + " -> "
        + dstCid
        + ":"
        + Integer.toUnsignedString(dstPort)
        + " len "
        + lenUnsigned();
  }
}
