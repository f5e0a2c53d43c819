package dev.uniscope.trace.vsock.vhostuser;

/** Feature bits the backend offers: the minimal set (no EVENT_IDX, no INDIRECT, no packed). */
public final class Features {
  public static final long VHOST_USER_F_PROTOCOL_FEATURES = 1L << 30;
  public static final long VIRTIO_F_VERSION_1 = 1L << 32;

  /** GET_FEATURES answer: VERSION_1 | PROTOCOL_FEATURES = 0x1_4000_0000. */
  public static final long OFFERED = VIRTIO_F_VERSION_1 | VHOST_USER_F_PROTOCOL_FEATURES;

  public static final long PROTOCOL_F_REPLY_ACK = 1L << 3;
  public static final long PROTOCOL_F_CONFIG = 1L << 9;

  /** GET_PROTOCOL_FEATURES answer: CONFIG | REPLY_ACK = 0x208 (CONFIG is mandatory for vsock). */
  public static final long PROTOCOL_OFFERED = PROTOCOL_F_CONFIG | PROTOCOL_F_REPLY_ACK;

  private Features() {}
}
