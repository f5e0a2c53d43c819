package dev.uniscope.trace.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.command.Command;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.testkit.FakeKernel;
import dev.uniscope.trace.testkit.SyntheticKernel;
import dev.uniscope.trace.wire.FrameType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TransportEndToEndTest {
  private static final long EVENTS = 50_000;
  @TempDir Path dir;

  @Test
  @Timeout(120)
  void unixSocket() throws Exception {
    Path sock = dir.resolve("data.sock");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(sock));
    run(server, new TraceEndpoint.Unix(sock));
  }

  @Test
  @Timeout(120)
  void tcpLoopback() throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    run(server, new TraceEndpoint.Tcp("127.0.0.1", port));
  }

  /** QEMU as the client: the workbench listens on a 0600 Unix socket. */
  @Test
  @Timeout(120)
  void listenerAcceptsTheKernel() throws Exception {
    Path sock = TraceListener.privateSocketPath("data.sock");
    Path file = dir.resolve("listen.ucap");
    LiveCapture capture = LiveCapture.create(file, CaptureFormat.SOURCE_STREAM, new ProblemLog());
    try (TraceListener listener =
        TraceListener.listen(new TraceEndpoint.Unix(sock), capture, true)) {
      assertThat(Files.getPosixFilePermissions(sock))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      SyntheticKernel k = new SyntheticKernel(4, 4096, 11, false);
      try (FakeKernel fake =
          new FakeKernel(
              () -> SocketChannel.open(UnixDomainSocketAddress.of(sock)), null, k, EVENTS)) {
        TraceConnection c = listener.accepted().get(60, TimeUnit.SECONDS);
        check(c, fake, file);
      }
    } finally {
      Files.deleteIfExists(sock);
      Files.deleteIfExists(sock.getParent());
    }
  }

  private void run(ServerSocketChannel server, TraceEndpoint endpoint) throws Exception {
    Path file = dir.resolve("live.ucap");
    SyntheticKernel k = new SyntheticKernel(4, 4096, 11, false);
    try (FakeKernel fake = new FakeKernel(server, k, EVENTS)) {
      LiveCapture capture = LiveCapture.create(file, CaptureFormat.SOURCE_STREAM, new ProblemLog());
      check(TraceClient.connect(endpoint, capture, true, 10_000), fake, file);
    }
  }

  private static void check(TraceConnection c, FakeKernel fake, Path file) throws Exception {
    Reply r = c.send(Command.start(0x7)).get(60, TimeUnit.SECONDS);
    assertThat(r.ok()).isTrue();
    assertThat(r.value()).isEqualTo(7);
    fake.done().get(60, TimeUnit.SECONDS);
    c.closedFuture().get(60, TimeUnit.SECONDS);
    var inLoop = c.inLoop(() -> c.session().stats(), 60_000);
    assertThat(inLoop.records()).isEqualTo(EVENTS);
    c.close();
    TraceSession live = c.session();
    assertThat(live.store().eventCount()).isEqualTo(EVENTS);
    assertThat(live.stats().crcErrors()).isEqualTo(1);
    assertThat(live.stats().garbageBytes()).isPositive();
    assertThat(live.stats().missingPages()).isZero();
    assertThat(live.hello().ncpu()).isEqualTo(4);
    try (CaptureReader reader = CaptureReader.open(file, new ProblemLog())) {
      assertThat(reader.footerRebuilt()).isFalse();
      long commands = 0;
      for (int i = 0; i < reader.frameCount(); i++) {
        if (reader.frameType(i) == FrameType.COMMAND) {
          commands++;
        }
      }
      assertThat(commands).as("INFO and START are recorded").isEqualTo(2);
      TraceSession replayed = reader.load();
      assertThat(replayed.store().eventCount()).isEqualTo(EVENTS);
      for (int cpu = 0; cpu < 4; cpu++) {
        assertThat(replayed.store().eventCount(cpu)).isEqualTo(live.store().eventCount(cpu));
        long n = replayed.store().eventCount(cpu);
        assertThat(replayed.store().timestamp(cpu, n - 1))
            .isEqualTo(live.store().timestamp(cpu, n - 1));
      }
    }
  }
}
