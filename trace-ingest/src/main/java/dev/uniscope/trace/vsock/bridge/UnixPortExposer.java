package dev.uniscope.trace.vsock.bridge;

import dev.uniscope.trace.vsock.VhostUserVsockBackend;
import dev.uniscope.trace.vsock.VsockConnection;
import dev.uniscope.trace.vsock.ffm.StaleSocket;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Serves guest connections to one host port on a listening Unix socket, so a client that expects
 * QEMU's COM2 chardev (QEMU listens, the workbench connects) reads the vsock data channel the same
 * way: {@code TraceClient.connect(new TraceEndpoint.Unix(path), ...)} works unchanged. Each client
 * gets the next guest connection, in arrival order; guest data waits in the connection (bounded by
 * vsock credit, so nothing is lost) until a client arrives.
 */
public final class UnixPortExposer implements AutoCloseable {
  private final Path path;
  private final ServerSocketChannel server;
  private final LinkedBlockingQueue<VsockConnection> guests = new LinkedBlockingQueue<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final VhostUserVsockBackend backend;
  private final int port;
  private final Thread acceptor;

  private UnixPortExposer(
      VhostUserVsockBackend backend, int port, Path path, ServerSocketChannel server) {
    this.backend = backend;
    this.port = port;
    this.path = path;
    this.server = server;
    this.acceptor =
        Thread.ofPlatform().daemon().name("vsock-expose-" + port).unstarted(this::acceptLoop);
  }

  /**
   * Listens on {@code path} (0600; a stale socket file there is replaced) for host port {@code
   * port}.
   */
  public static UnixPortExposer expose(VhostUserVsockBackend backend, int port, Path path)
      throws IOException {
    StaleSocket.remove(path);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      s.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      s.close();
      throw e;
    }
    UnixPortExposer x = new UnixPortExposer(backend, port, path, s);
    backend.listen(port, x.guests::add);
    x.acceptor.start();
    return x;
  }

  public Path path() {
    return path;
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        VsockConnection guest = guests.take();
        Pump.start(guest, client, problems::add);
      } catch (IOException e) {
        return; // closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    backend.unlisten(port);
    server.close();
    acceptor.interrupt();
    Files.deleteIfExists(path);
    VsockConnection c;
    while ((c = guests.poll()) != null) {
      c.close();
    }
  }
}
