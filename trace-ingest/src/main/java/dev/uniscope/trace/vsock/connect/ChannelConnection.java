package dev.uniscope.trace.vsock.connect;

import dev.uniscope.trace.vsock.VsockConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A blocking {@link SocketChannel} as a {@link VsockConnection}, reading first any bytes that came
 * with the handshake. Reads and writes may run on different threads at once.
 */
final class ChannelConnection implements VsockConnection {
  private final SocketChannel ch;
  private final ByteBuffer early;
  private final String description;

  ChannelConnection(SocketChannel ch, ByteBuffer early, String description) {
    this.ch = ch;
    this.early = early;
    this.description = description;
  }

  private final InputStream in =
      new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          Objects.checkFromIndexSize(off, len, b.length);
          if (len == 0) {
            return 0;
          }
          synchronized (early) {
            if (early.hasRemaining()) {
              int n = Math.min(len, early.remaining());
              early.get(b, off, n);
              return n;
            }
          }
          return ch.read(ByteBuffer.wrap(b, off, len));
        }
      };

  private final OutputStream out =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          ByteBuffer buf = ByteBuffer.wrap(b, off, len);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }
      };

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return out;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    try {
      ch.close();
    } catch (IOException e) {
      // Closing releases the socket whatever the error; there is nothing left to do.
    }
  }
}
