package dev.uniscope.trace.vsock.connect;

import dev.uniscope.trace.vsock.VsockConnection;
import dev.uniscope.trace.vsock.ffm.EventFd;
import dev.uniscope.trace.vsock.ffm.Libc;
import dev.uniscope.trace.vsock.ffm.NativeException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Listens for guest-initiated AF_VSOCK streams on a host port ({@code VMADDR_CID_ANY}): the guest
 * connects to CID 2 from inside the VM; the host only accepts.
 */
public final class AfVsockListener implements AutoCloseable {
  private final int fd;
  private final int port;
  private final EventFd wakeup;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AfVsockListener(int fd, int port, EventFd wakeup) {
    this.fd = fd;
    this.port = port;
    this.wakeup = wakeup;
  }

  public static AfVsockListener bind(int port) throws IOException {
    int fd = AfVsockConnector.openSocket();
    try (Arena a = Arena.ofConfined()) {
      Libc.bind(fd, SockaddrVm.of(a, new VsockAddress(VsockAddress.CID_ANY, port)));
      Libc.listen(fd, 8);
      return new AfVsockListener(fd, port, EventFd.create());
    } catch (NativeException e) {
      Libc.close(fd);
      throw new IOException("cannot listen on vsock port " + Integer.toUnsignedString(port), e);
    }
  }

  /** The next guest connection, or empty once closed. */
  public Optional<VsockConnection> accept() throws IOException {
    while (!closed.get()) {
      short[] ev = Libc.poll(new int[] {fd, wakeup.fd()}, -1);
      if (ev[1] != 0 || closed.get()) {
        return Optional.empty();
      }
      if (ev[0] != 0) {
        return Optional.of(new FdConnection(Libc.accept(fd), "vsock guest -> host port " + port));
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      wakeup.signal();
      Libc.close(fd);
    }
  }
}
