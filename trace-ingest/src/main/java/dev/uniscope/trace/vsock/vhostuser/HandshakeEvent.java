package dev.uniscope.trace.vsock.vhostuser;

/**
 * One control message as received, for diagnostics and tests (what QEMU actually sends, in order).
 *
 * @param detail decoded fields worth seeing, e.g. "index 0 fd" or "features 0x140000000"
 */
public record HandshakeEvent(int request, int flags, int size, int fds, String detail) {
  public String name() {
    return Request.of(request).map(Enum::name).orElse("UNKNOWN_" + request);
  }

  @Override
  public String toString() {
    return name()
        + " flags=0x"
        + Integer.toHexString(flags)
        + " size="
        + size
        + " fds="
        + fds
        + (detail.isEmpty() ? "" : " " + detail);
  }
}
