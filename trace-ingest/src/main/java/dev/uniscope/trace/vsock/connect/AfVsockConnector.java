package dev.uniscope.trace.vsock.connect;

import dev.uniscope.trace.vsock.VsockConnection;
import dev.uniscope.trace.vsock.ffm.Errno;
import dev.uniscope.trace.vsock.ffm.Libc;
import dev.uniscope.trace.vsock.ffm.NativeException;
import java.io.IOException;
import java.lang.foreign.Arena;

/**
 * Native AF_VSOCK (KVM hosts with {@code vhost_vsock}; QEMU {@code -device
 * vhost-vsock-pci,guest-cid=N}) through FFM: the JDK has no vsock sockets.
 */
public final class AfVsockConnector implements VsockConnector {
  @Override
  public VsockConnection connect(VsockAddress guest) throws IOException {
    guest.requireConnectable();
    int fd = openSocket();
    try (Arena a = Arena.ofConfined()) {
      Libc.connect(fd, SockaddrVm.of(a, guest));
      return new FdConnection(fd, guest.toString());
    } catch (NativeException e) {
      Libc.close(fd);
      throw new IOException("cannot connect to " + guest + ": " + Errno.describe(e.errno()), e);
    }
  }

  /** A new AF_VSOCK stream socket, or an error that says what the host lacks. */
  static int openSocket() throws IOException {
    try {
      return Libc.socket(Libc.AF_VSOCK, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
    } catch (NativeException e) {
      throw socketError(e.errno(), e);
    }
  }

  /** The message for a failed {@code socket(AF_VSOCK, ...)}. */
  static IOException socketError(int errno, Throwable cause) {
    String why =
        switch (errno) {
          case Errno.EAFNOSUPPORT, Errno.EPROTONOSUPPORT, Errno.EINVAL ->
              "this host has no AF_VSOCK support (load vhost_vsock for KVM guests, or use the"
                  + " built-in vhost-user backend / hybrid vsock instead)";
          case Errno.EACCES, Errno.EPERM -> "not allowed to create vsock sockets";
          default -> "socket(AF_VSOCK) failed";
        };
    return new IOException(why + ": " + Errno.describe(errno), cause);
  }
}
