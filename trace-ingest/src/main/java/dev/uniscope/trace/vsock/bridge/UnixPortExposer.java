package dev.uniscope.trace.vsock.bridge;

import dev.uniscope.trace.vsock.VhostUserVsockBackend;
import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A listening Unix socket (0600) whose clients get a vsock stream, so a client written for QEMU's
 * COM2 chardev (QEMU listens, the workbench connects) reads the vsock data channel the same way:
 * {@code TraceClient.connect(new TraceEndpoint.Unix(path), ...)} works unchanged.
 *
 * <ul>
 *   <li>{@link #exposeGuestPort}: each client opens a new connection to a port the guest listens on
 *       (the data channel: the kernel listens on 5151, docs/protocol.md);
 *   <li>{@link #exposeHostPort}: each client gets the next connection the guest made to a host
 *       port, in arrival order; guest data waits in it (bounded by vsock credit) until then.
 * </ul>
 */
public final class UnixPortExposer implements AutoCloseable {
  /** Where a client's stream comes from. */
  private interface Source {
    VsockConnection next() throws IOException, InterruptedException;

    void close();
  }

  private final Path path;
  private final ServerSocketChannel server;
  private final Source source;
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private UnixPortExposer(Path path, ServerSocketChannel server, Source source, String name) {
    this.path = path;
    this.server = server;
    this.source = source;
    this.acceptor = Thread.ofPlatform().daemon().name(name).unstarted(this::acceptLoop);
  }

  /** Clients of {@code path} are connected to guest port {@code guestPort}, one connection each. */
  public static UnixPortExposer exposeGuestPort(
      VhostUserVsockBackend backend, int guestPort, Path path, Duration connectTimeout)
      throws IOException {
    Source s =
        new Source() {
          @Override
          public VsockConnection next() throws IOException, InterruptedException {
            try {
              return backend
                  .connect(guestPort)
                  .get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
              throw new IOException(
                  "guest port "
                      + Integer.toUnsignedString(guestPort)
                      + ": "
                      + e.getCause().getMessage(),
                  e.getCause());
            } catch (TimeoutException e) {
              throw new IOException(
                  "guest port "
                      + Integer.toUnsignedString(guestPort)
                      + " did not answer within "
                      + connectTimeout,
                  e);
            }
          }

          @Override
          public void close() {}
        };
    return start(path, s, "vsock-expose-guest-" + guestPort);
  }

  /**
   * Clients of {@code path} get, in order, the guest's connections to host port {@code hostPort}.
   */
  public static UnixPortExposer exposeHostPort(
      VhostUserVsockBackend backend, int hostPort, Path path) throws IOException {
    LinkedBlockingQueue<VsockConnection> guests = new LinkedBlockingQueue<>();
    backend.listen(hostPort, guests::add);
    Source s =
        new Source() {
          @Override
          public VsockConnection next() throws InterruptedException {
            return guests.take();
          }

          @Override
          public void close() {
            backend.unlisten(hostPort);
            VsockConnection c;
            while ((c = guests.poll()) != null) {
              c.close();
            }
          }
        };
    return start(path, s, "vsock-expose-host-" + hostPort);
  }

  private static UnixPortExposer start(Path path, Source source, String name) throws IOException {
    ServerSocketChannel s = PrivateServerSocket.open(path);
    UnixPortExposer x = new UnixPortExposer(path, s, source, name);
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
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Pump.start(source.next(), client, problems::add);
      } catch (IOException e) {
        problems.add(e.getMessage());
        close(client);
      } catch (InterruptedException e) {
        close(client);
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void close(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // Closing releases the socket whatever the error.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    acceptor.interrupt();
    Files.deleteIfExists(path);
    source.close();
  }
}
