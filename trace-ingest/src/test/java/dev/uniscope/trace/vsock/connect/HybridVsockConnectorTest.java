package dev.uniscope.trace.vsock.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A fake Firecracker on a Unix socket: OK and error replies, garbage, silence, disconnect. */
@Timeout(30)
class HybridVsockConnectorTest {
  @TempDir Path dir;
  ServerSocketChannel server;

  /** What the fake hypervisor does with one connection, after reading the CONNECT line. */
  interface Peer {
    void serve(String connectLine, SocketChannel ch) throws IOException;
  }

  private CompletableFuture<String> fake(Peer peer) throws IOException {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("v.sock")));
    CompletableFuture<String> seen = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (SocketChannel ch = server.accept()) {
                StringBuilder line = new StringBuilder();
                ByteBuffer one = ByteBuffer.allocate(1);
                while (ch.read(one.clear()) > 0 && one.get(0) != '\n') {
                  line.append((char) one.get(0));
                }
                seen.complete(line.toString());
                peer.serve(line.toString(), ch);
              } catch (IOException e) {
                seen.completeExceptionally(e);
              }
            });
    return seen;
  }

  @AfterEach
  void close() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static void send(SocketChannel ch, String s) throws IOException {
    ch.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
  }

  private HybridVsockConnector connector(Duration timeout) {
    return new HybridVsockConnector(dir.resolve("v.sock"), 3, true, timeout);
  }

  @Test
  void okReplyThenRawBytesBothWays() throws Exception {
    var seen =
        fake(
            (line, ch) -> {
              send(ch, "OK 1073741824\nearly");
              ByteBuffer b = ByteBuffer.allocate(4);
              while (b.hasRemaining() && ch.read(b) > 0) {}
              ch.write(b.flip());
            });
    try (VsockConnection c = connector(Duration.ofSeconds(10)).connect(52)) {
      assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("CONNECT 52");
      assertThat(c.describe()).contains("host port 1073741824");
      assertThat(new String(c.input().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("early");
      c.output().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(c.input().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
    }
  }

  @Test
  void errorReplyIsRefusal() throws Exception {
    fake((line, ch) -> send(ch, "ERR no listener\n"));
    assertThatThrownBy(() -> connector(Duration.ofSeconds(10)).connect(52))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unexpected reply \"ERR no listener\"");
  }

  @Test
  void okWithoutANumberIsRefusal() throws Exception {
    fake((line, ch) -> send(ch, "OK banana\n"));
    assertThatThrownBy(() -> connector(Duration.ofSeconds(10)).connect(52))
        .hasMessageContaining("unexpected reply");
  }

  @Test
  void garbageWithoutLineEndIsBounded() throws Exception {
    fake((line, ch) -> send(ch, "x".repeat(500)));
    assertThatThrownBy(() -> connector(Duration.ofSeconds(10)).connect(52))
        .hasMessageContaining("no line end");
  }

  @Test
  void binaryGarbageIsEscapedInTheMessage() throws Exception {
    fake((line, ch) -> ch.write(ByteBuffer.wrap(new byte[] {1, (byte) 0xff, '\n'})));
    assertThatThrownBy(() -> connector(Duration.ofSeconds(10)).connect(52))
        .hasMessageContaining("\\x01");
  }

  @Test
  void disconnectBeforeOkMeansNoListener() throws Exception {
    fake((line, ch) -> ch.close());
    assertThatThrownBy(() -> connector(Duration.ofSeconds(10)).connect(52))
        .hasMessageContaining("closed the connection before OK");
  }

  @Test
  void silenceTimesOut() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    fake((line, ch) -> release.join());
    try {
      assertThatThrownBy(() -> connector(Duration.ofMillis(300)).connect(52))
          .hasMessageContaining("within");
    } finally {
      release.complete(null);
    }
  }

  @Test
  void withoutOkLineTheStreamStartsAtOnce() throws Exception {
    fake((line, ch) -> send(ch, "data"));
    try (VsockConnection c =
        new HybridVsockConnector(dir.resolve("v.sock"), 3, false, Duration.ofSeconds(5))
            .connect(7)) {
      assertThat(new String(c.input().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("data");
    }
  }

  @Test
  void missingSocketSaysSo() {
    assertThatThrownBy(() -> connector(Duration.ofSeconds(1)).connect(52))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot reach the hybrid vsock socket");
  }

  @Test
  void cidTwoIsRefused() {
    assertThatThrownBy(() -> HybridVsockConnector.firecracker(dir.resolve("v.sock"), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CID 2");
    assertThatThrownBy(() -> connector(Duration.ofSeconds(1)).connect(new VsockAddress(2, 52)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CID 2");
  }
}
