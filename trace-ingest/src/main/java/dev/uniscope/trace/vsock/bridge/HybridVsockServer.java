package dev.uniscope.trace.vsock.bridge;

import dev.uniscope.trace.vsock.VhostUserVsockBackend;
import dev.uniscope.trace.vsock.VsockConnection;
import dev.uniscope.trace.vsock.connect.LineReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The built-in backend's guest ports on a hybrid-vsock Unix socket (the Firecracker host-to-guest
 * protocol), for other tools: a client sends {@code CONNECT <port>\n}, gets {@code OK
 * <host_port>\n} once the guest accepted, then raw bytes. If the guest refuses (or does not answer
 * in time) the socket is closed, as Firecracker does. {@code HybridVsockConnector} talks to it.
 */
public final class HybridVsockServer implements AutoCloseable {
  private static final int MAX_LINE = 64;

  private final VhostUserVsockBackend backend;
  private final Path path;
  private final ServerSocketChannel server;
  private final Duration timeout;
  private final List<String> problems = new CopyOnWriteArrayList<>();

  private HybridVsockServer(
      VhostUserVsockBackend backend, Path path, ServerSocketChannel server, Duration timeout) {
    this.backend = backend;
    this.path = path;
    this.server = server;
    this.timeout = timeout;
  }

  /**
   * Listens on {@code path} (0600); {@code timeout} bounds the CONNECT line and the guest's answer.
   */
  public static HybridVsockServer serve(VhostUserVsockBackend backend, Path path, Duration timeout)
      throws IOException {
    ServerSocketChannel s = PrivateServerSocket.open(path);
    HybridVsockServer h = new HybridVsockServer(backend, path, s, timeout);
    Thread.ofPlatform().daemon().name("vsock-hybrid-server").start(h::acceptLoop);
    return h;
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
        Thread.ofPlatform().daemon().name("vsock-hybrid-client").start(() -> handle(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void handle(SocketChannel client) {
    try {
      LineReader.Line line = LineReader.read(client, MAX_LINE, timeout, "a hybrid vsock client");
      if (!line.text().matches("CONNECT [0-9]{1,10}")) {
        throw new IOException("bad request " + LineReader.quoted(line.text()));
      }
      long port = Long.parseLong(line.text().substring(8));
      if (port > 0xffff_ffffL) {
        throw new IOException("port " + port + " is not a u32");
      }
      VsockConnection c;
      try {
        c = backend.connect((int) port).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IOException("guest port " + port + " refused or did not answer: " + e, e);
      }
      String ok = "OK " + c.hostPort().orElse(0) + "\n";
      ByteBuffer b = ByteBuffer.wrap(ok.getBytes(StandardCharsets.US_ASCII));
      while (b.hasRemaining()) {
        client.write(b);
      }
      ByteBuffer early = line.rest();
      if (early.hasRemaining()) {
        byte[] e = new byte[early.remaining()];
        early.get(e);
        c.output().write(e);
      }
      Pump.start(c, client, problems::add);
    } catch (IOException e) {
      problems.add(e.getMessage());
      try {
        client.close();
      } catch (IOException ignored) {
        // Closing releases the socket whatever the error.
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(path);
  }
}
