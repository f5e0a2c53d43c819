package dev.uniscope.gdbstub.rsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Connecting to a stub that is still starting: its socket exists before it listens. */
@Timeout(120)
class RspConnectTest {
  @TempDir Path dir;

  /** A socket bound to {@code path} that does not listen: QEMU's between bind() and listen(). */
  private static SocketChannel boundNotListening(Path path) throws Exception {
    SocketChannel s = SelectorProvider.provider().openSocketChannel(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(path));
    return s;
  }

  @Test
  void aSocketThatListensMomentsLaterIsReached() throws Exception {
    Path sock = dir.resolve("late.sock");
    SocketChannel bound = boundNotListening(sock);
    long refusedBefore = RspConnection.refusedAttempts();
    CompletableFuture<RspConnection> connecting;
    try {
      // A retry window far beyond any scheduling delay of this test on a loaded machine (the
      // default, 5 s, is for a QEMU that listens microseconds after binding).
      Duration window = Duration.ofSeconds(90);
      connecting =
          CompletableFuture.supplyAsync(
              () -> RspConnection.connect(new RspEndpoint.Unix(sock), window, window, 4096));
      // Until the client has been refused once: from then on it is retrying by itself.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (RspConnection.refusedAttempts() == refusedBefore && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      assertThat(RspConnection.refusedAttempts())
          .as("refused attempts")
          .isGreaterThan(refusedBefore);
      assertThat(connecting).isNotDone();
    } finally {
      bound.close();
    }
    Files.delete(sock);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      // The connection completes in the listen backlog, before accept().
      RspConnection c = connecting.get(60, TimeUnit.SECONDS);
      try (SocketChannel accepted = server.accept()) {
        assertThat(accepted.isConnected()).isTrue();
      }
      c.close();
    }
  }

  @Test
  void aSocketNobodyListensOnFailsNamingTheEndpoint() throws Exception {
    Path sock = dir.resolve("dead.sock");
    SocketChannel bound = boundNotListening(sock);
    try {
      assertThatThrownBy(
              () -> RspConnection.connect(new RspEndpoint.Unix(sock), Duration.ofSeconds(1), 4096))
          .isInstanceOf(RspException.class)
          .hasMessageContaining("cannot connect to gdb stub at unix:" + sock);
    } finally {
      bound.close();
    }
  }
}
