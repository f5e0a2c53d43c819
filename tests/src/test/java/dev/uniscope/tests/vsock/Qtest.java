package dev.uniscope.tests.vsock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A client for QEMU's qtest protocol ({@code -qtest unix:PATH}): port I/O, MMIO and guest memory
 * access from outside, so a test can play a guest driver while the vCPUs stay paused.
 */
final class Qtest implements AutoCloseable {
  private final SocketChannel ch;
  private final ByteBuffer in = ByteBuffer.allocate(1 << 20);

  /** Over a connection QEMU made to us ({@code -qtest unix:PATH} without server=on). */
  Qtest(SocketChannel ch) {
    this.ch = ch;
    in.flip();
  }

  /** Sends one command and returns what follows "OK" in the reply. */
  String cmd(String line) throws IOException {
    ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
    while (out.hasRemaining()) {
      ch.write(out);
    }
    while (true) {
      String reply = nextLine();
      if (reply.startsWith("IRQ")) {
        continue; // asynchronous interrupt notices, not ours
      }
      if (!reply.startsWith("OK")) {
        throw new IOException("qtest: " + line + " -> " + reply);
      }
      return reply.length() > 3 ? reply.substring(3) : "";
    }
  }

  private String nextLine() throws IOException {
    while (true) {
      for (int i = in.position(); i < in.limit(); i++) {
        if (in.get(i) == '\n') {
          byte[] b = new byte[i - in.position()];
          in.get(b);
          in.get();
          return new String(b, StandardCharsets.US_ASCII);
        }
      }
      in.compact();
      if (ch.read(in) < 0) {
        throw new IOException("qtest connection closed");
      }
      in.flip();
    }
  }

  long read(String width, long addr) throws IOException {
    return Long.decode(cmd("read" + width + " 0x" + Long.toHexString(addr)));
  }

  void write(String width, long addr, long value) throws IOException {
    cmd("write" + width + " 0x" + Long.toHexString(addr) + " 0x" + Long.toHexString(value));
  }

  long in(String width, int port) throws IOException {
    return Long.decode(cmd("in" + width + " 0x" + Integer.toHexString(port)));
  }

  void out(String width, int port, long value) throws IOException {
    cmd("out" + width + " 0x" + Integer.toHexString(port) + " 0x" + Long.toHexString(value));
  }

  void writeBytes(long addr, byte[] data) throws IOException {
    cmd(
        "b64write 0x"
            + Long.toHexString(addr)
            + " 0x"
            + Integer.toHexString(data.length)
            + " "
            + Base64.getEncoder().encodeToString(data));
  }

  byte[] readBytes(long addr, int len) throws IOException {
    return Base64.getDecoder()
        .decode(cmd("b64read 0x" + Long.toHexString(addr) + " 0x" + Integer.toHexString(len)));
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
