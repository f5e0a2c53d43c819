package dev.uniscope.trace.vsock.packet;

import java.util.Optional;

/** virtio-vsock operations ({@code op} field). */
public enum Op {
  REQUEST(1),
  RESPONSE(2),
  RST(3),
  SHUTDOWN(4),
  RW(5),
  CREDIT_UPDATE(6),
  CREDIT_REQUEST(7);

  private final int code;

  Op(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The op for a wire value; empty for 0 (INVALID) and unknown values. */
  public static Optional<Op> of(int code) {
    for (Op op : values()) {
      if (op.code == code) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }
}
