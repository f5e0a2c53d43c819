package dev.uniscope.trace.vsock.bridge;

import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Copies bytes both ways between a vsock connection and a Unix socket on two platform threads.
 * Guest EOF half-closes the socket (the reader still gets everything); socket EOF closes the vsock
 * stream. When both directions are done the socket is closed.
 */
final class Pump {
  private Pump() {}

  static void start(VsockConnection v, SocketChannel ch, Consumer<String> problems) {
    AtomicInteger open = new AtomicInteger(2);
    Runnable done =
        () -> {
          if (open.decrementAndGet() == 0) {
            close(ch);
            v.close();
          }
        };
    Thread.ofPlatform()
        .daemon()
        .name("vsock-pump-in")
        .start(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try {
                int n;
                while ((n = v.input().read(buf)) > 0) {
                  ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                  while (b.hasRemaining()) {
                    ch.write(b);
                  }
                }
                ch.shutdownOutput();
              } catch (IOException e) {
                problems.accept(v.describe() + ": guest to socket stopped: " + e.getMessage());
                close(ch);
              } finally {
                done.run();
              }
            });
    Thread.ofPlatform()
        .daemon()
        .name("vsock-pump-out")
        .start(
            () -> {
              ByteBuffer b = ByteBuffer.allocate(64 * 1024);
              try {
                while (ch.read(b.clear()) > 0) {
                  v.output().write(b.array(), 0, b.position());
                }
              } catch (IOException e) {
                problems.accept(v.describe() + ": socket to guest stopped: " + e.getMessage());
              } finally {
                v.close();
                done.run();
              }
            });
  }

  private static void close(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // Closing releases the socket whatever the error.
    }
  }
}
