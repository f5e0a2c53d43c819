package dev.uniscope.core.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edge cases against a scripted fake QMP peer; the real QEMU is exercised in the end-to-end tests
 * ({@code dev.uniscope.tests.qmp}).
 */
@Timeout(60)
class QmpClientTest {
  static final String GREETING =
      "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
          + " \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\n";
  static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

  @TempDir Path dir;

  /**
   * A one-connection fake: sends the greeting, accepts {@code qmp_capabilities}, and hands every
   * other request line to {@code script}.
   */
  CompletableFuture<Void> fake(Path sock, BiConsumer<String, OutputStream> script)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(sock));
    return CompletableFuture.runAsync(
        () -> {
          try (server;
              SocketChannel ch = server.accept()) {
            OutputStream out = Channels.newOutputStream(ch);
            BufferedReader in =
                new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            out.write(GREETING.getBytes(StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
              if (line.contains("qmp_capabilities")) {
                send(out, "{\"return\": {}, \"id\": \"" + id(line) + "\"}");
              } else {
                script.accept(line, out);
              }
            }
          } catch (IOException e) {
            // The client hung up.
          }
        });
  }

  static void send(OutputStream out, String s) {
    try {
      out.write((s + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String id(String request) {
    Matcher m = ID.matcher(request);
    assertThat(m.find()).as("request has an id: " + request).isTrue();
    return m.group(1);
  }

  @Test
  void negotiatesThenMatchesRepliesByIdAndDeliversEvents() throws Exception {
    Path sock = dir.resolve("q.sock");
    fake(
        sock,
        (req, out) -> {
          String id = id(req);
          if (req.contains("query-status")) {
            // An event first, then the reply: the client must keep them apart.
            send(
                out, "{\"timestamp\": {\"seconds\": 2, \"microseconds\": 5}, \"event\": \"STOP\"}");
            send(
                out,
                "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": \""
                    + id
                    + "\"}");
          } else {
            send(out, "{\"return\": {}, \"id\": \"" + id + "\"}");
          }
        });
    try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(20))) {
      assertThat(qmp.qemuVersion()).isEqualTo("7.2.22");
      var events = new java.util.concurrent.LinkedBlockingQueue<QmpEvent>();
      qmp.onEvent(events::add);
      assertThat(qmp.status()).isEqualTo("paused");
      QmpEvent e = events.take();
      assertThat(e.name()).isEqualTo("STOP");
      assertThat(e.micros()).isEqualTo(2_000_005L);
    }
  }

  @Test
  void errorReplyNamesClassAndDescription() throws Exception {
    Path sock = dir.resolve("q.sock");
    fake(
        sock,
        (req, out) ->
            send(
                out,
                "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command frob has"
                    + " not been found\"}, \"id\": \""
                    + id(req)
                    + "\"}"));
    try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(20))) {
      assertThatThrownBy(() -> qmp.execute("frob", null))
          .isInstanceOf(QmpException.class)
          .hasMessageContaining("'frob' failed: CommandNotFound: The command frob");
    }
  }

  @Test
  void peerThatNeverAnswersTimesOutWithAClearMessage() throws Exception {
    Path sock = dir.resolve("q.sock");
    fake(
        sock,
        (req, out) -> {
          // Never answers anything but the handshake.
        });
    try (QmpClient qmp = QmpClient.connect(sock, Duration.ofMillis(300))) {
      assertThatThrownBy(qmp::status)
          .isInstanceOf(QmpException.class)
          .hasMessageContaining("timed out")
          .hasMessageContaining("query-status");
    }
  }

  @Test
  void malformedJsonFailsPendingCallsInsteadOfHanging() throws Exception {
    Path sock = dir.resolve("q.sock");
    fake(sock, (req, out) -> send(out, "{\"return\": {oops"));
    try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(20))) {
      assertThatThrownBy(qmp::status)
          .isInstanceOf(QmpException.class)
          .hasMessageContaining("malformed JSON");
      assertThat(qmp.closedFuture()).isDone();
    }
  }

  @Test
  void peerHangingUpFailsPendingCalls() throws Exception {
    Path sock = dir.resolve("q.sock");
    fake(
        sock,
        (req, out) -> {
          throw new java.io.UncheckedIOException(new IOException("hang up"));
        });
    try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(20))) {
      assertThatThrownBy(qmp::stop)
          .isInstanceOf(QmpException.class)
          .hasMessageContaining("QMP connection");
    }
  }

  @Test
  void notAQmpPeerIsRefused() throws Exception {
    Path sock = dir.resolve("q.sock");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(sock));
    CompletableFuture.runAsync(
        () -> {
          try (server;
              SocketChannel ch = server.accept()) {
            Channels.newOutputStream(ch).write("{\"hello\": 1}\n".getBytes(StandardCharsets.UTF_8));
            ch.read(java.nio.ByteBuffer.allocate(16));
          } catch (IOException e) {
            // The client hung up.
          }
        });
    assertThatThrownBy(() -> QmpClient.connect(sock, Duration.ofSeconds(20)))
        .isInstanceOf(QmpException.class)
        .hasMessageContaining("not a QMP greeting");
  }

  @Test
  void missingSocketSaysWhere() {
    Path sock = dir.resolve("absent.sock");
    assertThatThrownBy(() -> QmpClient.connect(sock, Duration.ofSeconds(5)))
        .isInstanceOf(QmpException.class)
        .hasMessageContaining(sock.toString());
  }
}
