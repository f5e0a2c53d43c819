package dev.uniscope.gdbstub.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted stub on a Unix socket for edge cases: for each packet received it sends whatever raw
 * wire text the script returns (acks included), so tests can misbehave on purpose.
 */
public final class FakeStub implements AutoCloseable {
  private final ServerSocketChannel server;
  private final Thread thread;
  private final Path path;
  public final List<String> received = new CopyOnWriteArrayList<>();
  private volatile SocketChannel client;

  public FakeStub(Path path, String greeting, Function<String, String> script) throws IOException {
    this.path = path;
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    thread =
        new Thread(
            () -> {
              try (SocketChannel c = server.accept()) {
                client = c;
                if (!greeting.isEmpty()) {
                  send(c, greeting);
                }
                serve(c, script);
              } catch (IOException e) {
                // closed by the test
              }
            },
            "fake-stub");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits until the packets received so far satisfy {@code condition}. */
  public void await(
      java.util.function.Predicate<List<String>> condition, java.time.Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (!condition.test(received)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("stub never received what was expected; got " + received);
        }
        received.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  public Path path() {
    return path;
  }

  private void serve(SocketChannel c, Function<String, String> script) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(65536);
    ByteArrayOutputStream pkt = null;
    int checksumLeft = -1;
    while (c.read(buf) >= 0) {
      buf.flip();
      while (buf.hasRemaining()) {
        byte b = buf.get();
        if (checksumLeft > 0) {
          if (--checksumLeft == 0) {
            String p = pkt.toString(StandardCharsets.ISO_8859_1);
            synchronized (received) {
              received.add(p);
              received.notifyAll();
            }
            String reply = script.apply(p);
            if (reply != null) {
              send(c, reply);
            }
            pkt = null;
          }
        } else if (pkt != null) {
          if (b == '#') {
            checksumLeft = 2;
          } else {
            pkt.write(b);
          }
        } else if (b == '$') {
          pkt = new ByteArrayOutputStream();
        } else if (b == 3) {
          synchronized (received) {
            received.add("\u0003");
            received.notifyAll();
          }
          String reply = script.apply("\u0003");
          if (reply != null) {
            send(c, reply);
          }
        }
      }
      buf.clear();
    }
  }

  public static void send(SocketChannel c, String raw) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1));
    while (out.hasRemaining()) {
      c.write(out);
    }
  }

  /** {@code $payload#cc}. */
  public static String frame(String payload) {
    int sum = 0;
    for (char ch : payload.toCharArray()) {
      sum += ch;
    }
    return "$" + payload + "#" + String.format("%02x", sum & 0xff);
  }

  /** The ack and a framed reply. */
  public static String reply(String payload) {
    return "+" + frame(payload);
  }

  @Override
  public void close() throws IOException {
    server.close();
    SocketChannel c = client;
    if (c != null) {
      c.close();
    }
  }
}
