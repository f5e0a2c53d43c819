package dev.uniscope.trace.vsock.connect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads one ASCII line (the hybrid-vsock handshake) from a socket with a deadline and a length
 * bound; bytes that arrived after the line are kept for the stream that follows.
 */
public final class LineReader {
  /** The line without its '\n', and whatever followed it in the same reads. */
  public record Line(String text, ByteBuffer rest) {}

  private LineReader() {}

  /**
   * @param what names the peer in error messages
   * @throws IOException on timeout, EOF before the line end, or a line longer than {@code max}
   */
  public static Line read(SocketChannel ch, int max, Duration timeout, String what)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(max + 4096);
    long deadline = System.nanoTime() + timeout.toNanos();
    ch.configureBlocking(false);
    try (Selector sel = Selector.open()) {
      ch.register(sel, SelectionKey.OP_READ);
      while (true) {
        for (int i = 0; i < buf.position(); i++) {
          if (buf.get(i) == '\n') {
            String line = new String(buf.array(), 0, i, StandardCharsets.US_ASCII);
            buf.flip();
            buf.position(i + 1);
            return new Line(line, buf.slice());
          }
        }
        if (buf.position() > max) {
          throw new IOException("no line end in " + max + " bytes from " + what);
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new IOException("no line from " + what + " within " + timeout);
        }
        sel.select(left);
        sel.selectedKeys().clear();
        if (ch.read(buf) < 0) {
          throw new java.io.EOFException(what + " closed the connection before a line end");
        }
      }
    } finally {
      if (ch.isOpen()) {
        ch.configureBlocking(true);
      }
    }
  }

  /** The line with control and non-ASCII bytes escaped, for error messages. */
  public static String quoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return b.append('"').toString();
  }
}
