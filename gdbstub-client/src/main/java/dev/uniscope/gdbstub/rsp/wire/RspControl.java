package dev.uniscope.gdbstub.rsp.wire;

/** The single-byte, unframed units of RSP. */
public enum RspControl implements RspFrame {
  /** {@code +}: the peer's last packet arrived intact. */
  ACK((byte) '+'),
  /** {@code -}: the peer's last packet was corrupt; it should be sent again. */
  NAK((byte) '-'),
  /** {@code 0x03}: stop the running target. */
  INTERRUPT((byte) 0x03);

  private final byte wire;

  RspControl(byte wire) {
    this.wire = wire;
  }

  public byte wire() {
    return wire;
  }
}
