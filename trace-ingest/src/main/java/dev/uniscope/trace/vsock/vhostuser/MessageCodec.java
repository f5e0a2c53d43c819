package dev.uniscope.trace.vsock.vhostuser;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a front-end message from its header, payload and received fds, checking every size
 * against the layout in vhost-user.rst. On failure the caller closes the fds.
 */
public final class MessageCodec {
  public static final int MAX_REGIONS = 8;
  public static final int MAX_CONFIG = 256;
  private static final int CONFIG_HEADER = 12;
  private static final long VRING_NOFD = 0x100;
  private static final long VRING_INDEX_MASK = 0xff;

  private MessageCodec() {}

  public static VhostMessage decode(MessageHeader h, byte[] payload, int[] fds)
      throws ProtocolException {
    ByteBuffer p = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    var req = Request.of(h.request());
    if (req.isEmpty()) {
      return new VhostMessage.Unsupported(h.request(), fds);
    }
    Request r = req.get();
    VhostMessage m =
        switch (r) {
          case GET_FEATURES -> none(h, payload, new VhostMessage.GetFeatures());
          case GET_PROTOCOL_FEATURES -> none(h, payload, new VhostMessage.GetProtocolFeatures());
          case GET_QUEUE_NUM -> none(h, payload, new VhostMessage.GetQueueNum());
          case SET_OWNER -> none(h, payload, new VhostMessage.SetOwner());
          case RESET_OWNER -> none(h, payload, new VhostMessage.ResetOwner());
          case SET_FEATURES -> new VhostMessage.SetFeatures(u64(h, p));
          case SET_PROTOCOL_FEATURES -> new VhostMessage.SetProtocolFeatures(u64(h, p));
          case SET_VRING_NUM, SET_VRING_BASE, GET_VRING_BASE, SET_VRING_ENABLE -> {
            exact(h, payload, 8);
            yield new VhostMessage.VringState(r, p.getInt(0), p.getInt(4));
          }
          case SET_VRING_ADDR -> {
            exact(h, payload, 40);
            yield new VhostMessage.VringAddr(
                p.getInt(0),
                p.getInt(4),
                p.getLong(8),
                p.getLong(16),
                p.getLong(24),
                p.getLong(32));
          }
          case SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR -> vringFd(h, r, u64(h, p), fds);
          case SET_MEM_TABLE -> memTable(h, p, fds);
          case GET_CONFIG, SET_CONFIG -> config(h, r, p, payload.length);
          default -> new VhostMessage.Unsupported(h.request(), fds);
        };
    if (!(m instanceof VhostMessage.Unsupported)
        && !(m instanceof VhostMessage.SetMemTable)
        && !(m instanceof VhostMessage.VringFd)
        && fds.length > 0) {
      throw new ProtocolException(h.describe() + " carries " + fds.length + " unexpected fd(s)");
    }
    return m;
  }

  private static VhostMessage none(MessageHeader h, byte[] payload, VhostMessage m)
      throws ProtocolException {
    // QEMU sends these with size 0; tolerate a u64 filler some front-ends add.
    if (payload.length != 0 && payload.length != 8) {
      throw new ProtocolException(h.describe() + " with payload size " + payload.length);
    }
    return m;
  }

  private static void exact(MessageHeader h, byte[] payload, int size) throws ProtocolException {
    if (payload.length != size) {
      throw new ProtocolException(
          h.describe() + " payload must be " + size + " bytes, got " + payload.length);
    }
  }

  private static long u64(MessageHeader h, ByteBuffer p) throws ProtocolException {
    if (p.capacity() != 8) {
      throw new ProtocolException(h.describe() + " payload must be 8 bytes, got " + p.capacity());
    }
    return p.getLong(0);
  }

  private static VhostMessage vringFd(MessageHeader h, Request r, long v, int[] fds)
      throws ProtocolException {
    if ((v & ~(VRING_INDEX_MASK | VRING_NOFD)) != 0) {
      throw new ProtocolException(h.describe() + " has unknown bits in 0x" + Long.toHexString(v));
    }
    boolean noFd = (v & VRING_NOFD) != 0;
    int want = noFd ? 0 : 1;
    if (fds.length != want) {
      throw new ProtocolException(h.describe() + " expects " + want + " fd(s), got " + fds.length);
    }
    return new VhostMessage.VringFd(r, (int) (v & VRING_INDEX_MASK), noFd ? -1 : fds[0]);
  }

  private static VhostMessage memTable(MessageHeader h, ByteBuffer p, int[] fds)
      throws ProtocolException {
    if (p.capacity() < 8) {
      throw new ProtocolException(h.describe() + " shorter than its 8-byte count");
    }
    int n = p.getInt(0);
    if (n < 1 || n > MAX_REGIONS) {
      throw new ProtocolException(
          h.describe()
              + " region count "
              + Integer.toUnsignedString(n)
              + " not in 1.."
              + MAX_REGIONS);
    }
    if (p.capacity() != 8 + MemoryRegion.BYTES * n) {
      throw new ProtocolException(
          h.describe() + " size " + p.capacity() + " does not match " + n + " regions");
    }
    if (fds.length != n) {
      throw new ProtocolException(
          h.describe() + " has " + n + " regions but " + fds.length + " fds");
    }
    List<MemoryRegion> regions = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int o = 8 + MemoryRegion.BYTES * i;
      regions.add(
          new MemoryRegion(p.getLong(o), p.getLong(o + 8), p.getLong(o + 16), p.getLong(o + 24)));
    }
    return new VhostMessage.SetMemTable(List.copyOf(regions), fds);
  }

  private static VhostMessage config(MessageHeader h, Request r, ByteBuffer p, int len)
      throws ProtocolException {
    if (len < CONFIG_HEADER) {
      throw new ProtocolException(h.describe() + " shorter than its 12-byte header");
    }
    int offset = p.getInt(0);
    int size = p.getInt(4);
    int flags = p.getInt(8);
    if (size < 0 || size > MAX_CONFIG || len != CONFIG_HEADER + size) {
      throw new ProtocolException(
          h.describe() + " config size " + Integer.toUnsignedString(size) + " with payload " + len);
    }
    byte[] data = new byte[size];
    p.get(CONFIG_HEADER, data);
    return new VhostMessage.Config(r, offset, size, flags, data);
  }
}
