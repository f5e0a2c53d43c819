package dev.uniscope.trace.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.vsock.FakeFrontEnd.RxPacket;
import dev.uniscope.trace.vsock.bridge.HybridForwarder;
import dev.uniscope.trace.vsock.bridge.HybridVsockServer;
import dev.uniscope.trace.vsock.bridge.UnixPortExposer;
import dev.uniscope.trace.vsock.packet.Op;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Guest connections reach plain Unix-socket clients (the data-channel client, other tools). */
@Timeout(60)
class BridgeTest {
  static final Duration T = Duration.ofSeconds(20);

  @TempDir Path dir;
  VhostUserVsockBackend backend;
  FakeFrontEnd fe;

  @BeforeEach
  void start() throws IOException {
    backend = VhostUserVsockBackend.start(dir.resolve("vu.sock"), FakeFrontEnd.GUEST_CID);
    fe = new FakeFrontEnd(backend.socketPath());
    fe.start();
    fe.postRx(16);
  }

  @AfterEach
  void stop() throws IOException {
    fe.close();
    backend.close();
  }

  private static byte[] readN(SocketChannel ch, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining() && ch.read(b) >= 0) {}
    return b.array();
  }

  private void guestSends(int src, int port, String s) throws IOException {
    byte[] d = s.getBytes(StandardCharsets.US_ASCII);
    fe.sendPacket(FakeFrontEnd.header(src, port, Op.RW.code(), d.length, 0), d);
  }

  @Test
  void exposerServesTheGuestStreamLikeACom2Socket() throws Exception {
    try (UnixPortExposer x =
        UnixPortExposer.exposeHostPort(backend, 7000, dir.resolve("data.sock"))) {
      assertThat(Files.getPosixFilePermissions(x.path()))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      // The guest connects and writes before any client is there: nothing is lost.
      fe.sendPacket(FakeFrontEnd.header(40, 7000, Op.REQUEST.code(), 0, 0), new byte[0]);
      assertThat(fe.awaitRx(1, T).getFirst().header().op()).isEqualTo((short) Op.RESPONSE.code());
      guestSends(40, 7000, "early ");
      try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(x.path()))) {
        guestSends(40, 7000, "frames");
        assertThat(new String(readN(client, 12), StandardCharsets.US_ASCII))
            .isEqualTo("early frames");
        client.write(ByteBuffer.wrap("cmd".getBytes(StandardCharsets.US_ASCII)));
        RxPacket p = fe.awaitRx(1, T).getFirst();
        assertThat(p.header().op()).isEqualTo((short) Op.RW.code());
        assertThat(new String(p.payload(), StandardCharsets.US_ASCII)).isEqualTo("cmd");
        // Guest closes: the client sees EOF after the data.
        fe.sendPacket(FakeFrontEnd.header(40, 7000, Op.SHUTDOWN.code(), 0, 3), new byte[0]);
        assertThat(client.read(ByteBuffer.allocate(8))).isEqualTo(-1);
      }
    }
  }

  @Test
  void exposerConnectsEachClientToTheGuestsListeningPort() throws Exception {
    try (UnixPortExposer x =
            UnixPortExposer.exposeGuestPort(
                backend, 5151, dir.resolve("data.sock"), Duration.ofSeconds(20));
        SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(x.path()))) {
      RxPacket req = fe.awaitRx(1, T).getFirst();
      assertThat(req.header().op()).isEqualTo((short) Op.REQUEST.code());
      assertThat(req.header().dstPort()).isEqualTo(5151);
      int hostPort = req.header().srcPort();
      fe.sendPacket(FakeFrontEnd.header(5151, hostPort, Op.RESPONSE.code(), 0, 0), new byte[0]);
      guestSends(5151, hostPort, "hello");
      assertThat(new String(readN(client, 5), StandardCharsets.US_ASCII)).isEqualTo("hello");
      client.write(ByteBuffer.wrap("info".getBytes(StandardCharsets.US_ASCII)));
      RxPacket p = fe.awaitRx(1, T).getFirst();
      assertThat(new String(p.payload(), StandardCharsets.US_ASCII)).isEqualTo("info");
    }
  }

  @Test
  void hybridServerSpeaksToOurOwnHybridConnector() throws Exception {
    try (HybridVsockServer h =
        HybridVsockServer.serve(backend, dir.resolve("hybrid.sock"), Duration.ofSeconds(20))) {
      var connector =
          new dev.uniscope.trace.vsock.connect.HybridVsockConnector(
              h.path(), FakeFrontEnd.GUEST_CID, true, Duration.ofSeconds(20));
      var pending =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return connector.connect(5151);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      RxPacket req = fe.awaitRx(1, T).getFirst();
      int hostPort = req.header().srcPort();
      fe.sendPacket(FakeFrontEnd.header(5151, hostPort, Op.RESPONSE.code(), 0, 0), new byte[0]);
      try (VsockConnection c = pending.get(20, java.util.concurrent.TimeUnit.SECONDS)) {
        assertThat(c.describe()).contains("host port " + hostPort);
        guestSends(5151, hostPort, "pong");
        assertThat(new String(c.input().readNBytes(4), StandardCharsets.US_ASCII))
            .isEqualTo("pong");
      }
      // A guest port nobody listens on: the guest answers RST, the client sees the socket close.
      var refused =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return connector.connect(9);
                } catch (IOException e) {
                  return e.getMessage();
                }
              });
      // Other packets (the first stream's SHUTDOWN) may come first.
      RxPacket req2 = null;
      while (req2 == null) {
        req2 =
            fe.awaitRx(1, T).stream()
                .filter(p -> p.header().op() == (short) Op.REQUEST.code())
                .findFirst()
                .orElse(null);
      }
      fe.sendPacket(
          FakeFrontEnd.header(9, req2.header().srcPort(), Op.RST.code(), 0, 0), new byte[0]);
      assertThat(refused.get(20, java.util.concurrent.TimeUnit.SECONDS))
          .asString()
          .contains("closed the connection before OK");
    }
  }

  @Test
  void forwarderConnectsToTheToolsSocketPerPort() throws Exception {
    Path base = dir.resolve("v.sock");
    HybridForwarder f = HybridForwarder.forward(backend, base, 52);
    try (ServerSocketChannel tool = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      tool.bind(UnixDomainSocketAddress.of(f.socketFor(52)));
      assertThat(f.socketFor(52).toString()).endsWith("v.sock_52");
      fe.sendPacket(FakeFrontEnd.header(41, 52, Op.REQUEST.code(), 0, 0), new byte[0]);
      fe.awaitRx(1, T);
      try (SocketChannel ch = tool.accept()) {
        guestSends(41, 52, "hi");
        assertThat(new String(readN(ch, 2), StandardCharsets.US_ASCII)).isEqualTo("hi");
      }
    }
  }

  @Test
  void forwarderWithNobodyListeningClosesTheGuestConnection() throws Exception {
    HybridForwarder f = HybridForwarder.forward(backend, dir.resolve("none.sock"), 53);
    fe.sendPacket(FakeFrontEnd.header(42, 53, Op.REQUEST.code(), 0, 0), new byte[0]);
    List<RxPacket> got = fe.awaitRx(2, T);
    assertThat(got.get(0).header().op()).isEqualTo((short) Op.RESPONSE.code());
    assertThat(got.get(1).header().op()).isEqualTo((short) Op.SHUTDOWN.code());
    assertThat(f.problems()).anyMatch(s -> s.contains("nothing listens"));
  }
}
