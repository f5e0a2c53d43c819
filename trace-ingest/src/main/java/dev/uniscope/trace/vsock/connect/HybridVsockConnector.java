package dev.uniscope.trace.vsock.connect;

import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Hybrid vsock over a Unix socket (Firecracker, Cloud Hypervisor, rust-vmm vhost-device-vsock):
 * connect to the VM's socket, send {@code CONNECT <port>\n}, read {@code OK <host_port>\n}, then
 * the stream is raw bytes. Pure JDK.
 *
 * @param socket the VM's vsock Unix socket ({@code uds_path} / {@code socket=})
 * @param guestCid the VM's CID, checked like every connector's (the socket already names the VM)
 * @param expectOk whether the hypervisor answers with an {@code OK} line (Firecracker does; the
 *     Cloud Hypervisor docs do not say, so it is a setting)
 * @param timeout for the connect handshake
 */
public record HybridVsockConnector(Path socket, long guestCid, boolean expectOk, Duration timeout)
    implements VsockConnector {
  /** Longest OK line we accept: "OK " + a u32 + "\n" fits easily. */
  static final int MAX_LINE = 64;

  public HybridVsockConnector {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(timeout, "timeout");
    new VsockAddress(guestCid, 0).requireConnectable();
  }

  /** Firecracker defaults: expect the OK line, 5 s to get it. */
  public static HybridVsockConnector firecracker(Path socket, long guestCid) {
    return new HybridVsockConnector(socket, guestCid, true, Duration.ofSeconds(5));
  }

  public VsockConnection connect(int port) throws IOException {
    return connect(new VsockAddress(guestCid, port));
  }

  @Override
  public VsockConnection connect(VsockAddress guest) throws IOException {
    guest.requireConnectable();
    if (guest.cid() != guestCid) {
      throw new IllegalArgumentException(
          "this hybrid socket serves CID " + guestCid + ", not " + guest.cid());
    }
    String what = guest + " via " + socket;
    SocketChannel ch;
    try {
      ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new IOException("cannot reach the hybrid vsock socket for " + what + ": " + e, e);
    }
    try {
      write(ch, "CONNECT " + Integer.toUnsignedString(guest.port()) + "\n");
      ByteBuffer rest = ByteBuffer.allocate(0);
      String hostPort = "";
      if (expectOk) {
        LineReader.Line reply;
        try {
          reply = LineReader.read(ch, MAX_LINE, timeout, "the hybrid vsock peer for " + what);
        } catch (java.io.EOFException e) {
          throw new IOException(
              "hybrid vsock peer closed the connection before OK for "
                  + what
                  + " (nothing listens on that guest port?)",
              e);
        }
        String line = reply.text();
        if (!line.startsWith("OK ") || !line.substring(3).matches("[0-9]{1,10}")) {
          throw new IOException(
              "hybrid vsock peer refused "
                  + what
                  + ": unexpected reply "
                  + LineReader.quoted(line));
        }
        hostPort = line.substring(3);
        rest = reply.rest();
      }
      return new ChannelConnection(
          ch, rest, what + (hostPort.isEmpty() ? "" : " (host port " + hostPort + ")"));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static void write(SocketChannel ch, String s) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
