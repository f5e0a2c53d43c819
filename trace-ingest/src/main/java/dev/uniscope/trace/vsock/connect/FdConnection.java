package dev.uniscope.trace.vsock.connect;

import dev.uniscope.trace.vsock.VsockConnection;
import dev.uniscope.trace.vsock.ffm.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** A connected stream socket fd (AF_VSOCK) as a {@link VsockConnection}, through FFM read/write. */
final class FdConnection implements VsockConnection {
  private final int fd;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  FdConnection(int fd, String description) {
    this.fd = fd;
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
          try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.min(len, 64 * 1024));
            long n = Libc.read(fd, buf);
            if (n == 0) {
              return -1;
            }
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, b, off, (int) n);
            return (int) n;
          }
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
          Objects.checkFromIndexSize(off, len, b.length);
          try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(1, len));
            MemorySegment.copy(b, off, buf, ValueLayout.JAVA_BYTE, 0, len);
            long done = 0;
            while (done < len) {
              done += Libc.write(fd, buf.asSlice(done, len - done));
            }
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
    if (closed.compareAndSet(false, true)) {
      Libc.shutdown(fd, Libc.SHUT_RDWR);
      Libc.close(fd);
    }
  }
}
