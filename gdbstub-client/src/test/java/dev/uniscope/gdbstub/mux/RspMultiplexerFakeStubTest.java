package dev.uniscope.gdbstub.mux;

import static dev.uniscope.gdbstub.testing.FakeStub.frame;
import static dev.uniscope.gdbstub.testing.FakeStub.reply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.gdbstub.testing.FakeStub;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Multiplexer corner cases, driven step by step against a scripted stub and a raw "gdb". */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RspMultiplexerFakeStubTest {
  static final Duration T = Duration.ofSeconds(20);
  @TempDir Path dir;

  private static String script(String p) {
    return switch (p) {
      case "?" -> reply("T05thread:p01.01;");
      case "vCont?" -> reply("vCont;c;C;s;S");
      case "vCont;c" -> "+"; // runs until interrupted
      case "\u0003" -> frame("T02thread:p01.01;");
      case "m10,4" -> reply("cafef00d");
      default -> p.startsWith("qSupported") ? reply("PacketSize=1000;multiprocess+") : reply("");
    };
  }

  /** A minimal gdb: writes raw RSP, reads the next packet (skipping acks). */
  private static final class RawGdb implements AutoCloseable {
    final SocketChannel ch;
    final StringBuilder in = new StringBuilder();

    RawGdb(Path sock) throws IOException {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(sock));
    }

    void send(String raw) throws IOException {
      FakeStub.send(ch, raw);
    }

    String nextPacket() throws IOException {
      ByteBuffer b = ByteBuffer.allocate(4096);
      while (true) {
        int start = in.indexOf("$");
        int hash = start < 0 ? -1 : in.indexOf("#", start);
        if (hash >= 0 && in.length() >= hash + 3) {
          String p = in.substring(start + 1, hash);
          in.delete(0, hash + 3);
          send("+");
          return p;
        }
        b.clear();
        if (ch.read(b) < 0) {
          throw new IOException("multiplexer closed the connection");
        }
        in.append(new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1));
      }
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  /** The scripted stub, also answering OK to every breakpoint insert and remove. */
  private FakeStub breakpointStub() throws java.io.IOException {
    return new FakeStub(
        dir.resolve("stub"),
        "",
        p -> p.startsWith("Z") || p.startsWith("z") ? reply("OK") : script(p));
  }

  private static RspClient connect(FakeStub stub) {
    return RspClient.connect(
        new RspEndpoint.Unix(stub.path()), RspOptions.defaults().withRequestTimeout(T));
  }

  @Test
  void gdbInterruptDuringOurStopGetsTheStopAndTheTargetStaysStopped() throws Exception {
    try (var stub = new FakeStub(dir.resolve("stub"), "", RspMultiplexerFakeStubTest::script);
        var client = connect(stub);
        var mux = RspMultiplexer.start(client);
        var gdb = new RawGdb(Path.of(mux.gdbTarget()))) {
      // '?' is answered by the multiplexer from the handshake's stop; QEMU never sees it again.
      gdb.send(frame("?"));
      assertThat(gdb.nextPacket()).isEqualTo("T05thread:p1.1;");
      assertThat(stub.received.stream().filter("?"::equals)).hasSize(1);

      var resumed = new CompletableFuture<Void>();
      mux.onGdbRunState(r -> resumed.complete(null));
      gdb.send(frame("vCont;c"));
      resumed.get(20, TimeUnit.SECONDS);

      // A section that holds the stub until we let it go.
      var inside = new CompletableFuture<Void>();
      var release = new CompletableFuture<Void>();
      var section =
          mux.withStub(
              c -> {
                inside.complete(null);
                return release.thenCompose(x -> c.readMemory(0x10, 4));
              });
      inside.get(20, TimeUnit.SECONDS);
      assertThat(mux.internalStops()).isEqualTo(1);

      // gdb interrupts while we hold the target stopped: it gets that stop, no resume follows.
      gdb.send("\u0003");
      assertThat(gdb.nextPacket()).startsWith("T02");
      release.complete(null);
      assertThat(RspClient.await(section, T)).containsExactly(0xca, 0xfe, 0xf0, 0x0d);
      assertThat(stub.received.stream().filter("vCont;c"::equals)).hasSize(1);

      // gdb's next packet is relayed as usual.
      gdb.send(frame("m10,4"));
      assertThat(gdb.nextPacket()).isEqualTo("cafef00d");
    }
  }

  @Test
  void detachIsAnsweredLocallyAndRemovesGdbsBreakpoints() throws Exception {
    try (var stub = breakpointStub();
        var client = connect(stub);
        var mux = RspMultiplexer.start(client);
        var gdb = new RawGdb(Path.of(mux.gdbTarget()))) {
      gdb.send(frame("Z0,1000,1"));
      assertThat(gdb.nextPacket()).isEqualTo("OK");
      gdb.send(frame("D"));
      assertThat(gdb.nextPacket()).isEqualTo("OK");
      assertThat(stub.received).contains("Z0,1000,1", "z0,1000,1").doesNotContain("D");
    }
  }

  @Test
  void gdbLeavingWhileTheTargetRunsLeavesNoBreakpointsBehind() throws Exception {
    try (var stub = breakpointStub();
        var client = connect(stub);
        var mux = RspMultiplexer.start(client)) {
      try (var gdb = new RawGdb(Path.of(mux.gdbTarget()))) {
        gdb.send(frame("Z0,2000,1"));
        assertThat(gdb.nextPacket()).isEqualTo("OK");
        gdb.send(frame("vCont;c"));
        stub.await(r -> r.contains("vCont;c"), T);
      }
      // Stopped, cleaned up and resumed for the departed gdb.
      stub.await(r -> r.stream().filter("vCont;c"::equals).count() == 2, T);
      assertThat(stub.received).containsSubsequence("vCont;c", "\u0003", "z0,2000,1", "vCont;c");
    }
  }
}
