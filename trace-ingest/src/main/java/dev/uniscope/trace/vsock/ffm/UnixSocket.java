package dev.uniscope.trace.vsock.ffm;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connected AF_UNIX stream socket that can pass file descriptors (SCM_RIGHTS), which the JDK's
 * own Unix channels cannot. Used for the vhost-user control socket.
 */
public final class UnixSocket implements AutoCloseable {
  /** {@code sizeof(struct sockaddr_un)}: family u16 + 108 path bytes. */
  static final int SOCKADDR_UN_SIZE = 110;

  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  public UnixSocket(int fd) {
    this.fd = fd;
  }

  public int fd() {
    return fd;
  }

  /** Connects to a listening socket at {@code path}. */
  public static UnixSocket connect(Path path) throws IOException {
    int s = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
    try (Arena a = Arena.ofConfined()) {
      Libc.connect(s, sockaddr(a, path));
      return new UnixSocket(s);
    } catch (IOException | RuntimeException e) {
      Libc.close(s);
      throw e;
    }
  }

  /** A pair of connected sockets (tests, in-process front-ends). */
  public static UnixSocket[] pair() throws IOException {
    int[] sv = Libc.socketpair();
    return new UnixSocket[] {new UnixSocket(sv[0]), new UnixSocket(sv[1])};
  }

  static MemorySegment sockaddr(Arena a, Path path) {
    byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
    if (p.length >= SOCKADDR_UN_SIZE - 2) {
      throw new IllegalArgumentException(
          "Unix socket path too long (" + p.length + " bytes, max 107): " + path);
    }
    MemorySegment sa = a.allocate(SOCKADDR_UN_SIZE, 2);
    sa.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
    MemorySegment.copy(p, 0, sa, ValueLayout.JAVA_BYTE, 2, p.length);
    return sa;
  }

  /**
   * Reads exactly {@code dst.byteSize()} bytes, collecting any fds that arrive with them. The
   * caller owns the returned fds.
   *
   * @throws EOFException if the peer closes the stream first (after 0 bytes: a clean close)
   */
  public int[] readFully(MemorySegment dst) throws IOException {
    int[] fds = new int[0];
    long off = 0;
    try {
      while (off < dst.byteSize()) {
        Libc.Received r = Libc.recvmsg(fd, dst.asSlice(off));
        if (r.fds().length > 0) {
          int base = fds.length;
          fds = Arrays.copyOf(fds, base + r.fds().length);
          System.arraycopy(r.fds(), 0, fds, base, r.fds().length);
        }
        if (r.truncatedFds()) {
          throw new IOException("peer sent more than " + Libc.MAX_FDS + " fds in one message");
        }
        if (r.bytes() == 0) {
          throw new EOFException(
              off == 0 ? "peer closed" : "peer closed after " + off + " of " + dst.byteSize());
        }
        off += r.bytes();
      }
      return fds;
    } catch (IOException | RuntimeException e) {
      for (int f : fds) {
        Libc.close(f);
      }
      throw e;
    }
  }

  /** Sends all of {@code data}; the fds travel with the first byte. */
  public void send(byte[] data, int... fds) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(Math.max(1, data.length));
      MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
      long off = 0;
      int[] pending = fds;
      while (off < data.length) {
        off += Libc.sendmsg(fd, buf.asSlice(off, data.length - off), pending);
        pending = new int[0];
      }
    }
  }

  /** Wakes a blocked reader on the other side and here (EOF), without releasing the fd yet. */
  public void shutdown() {
    if (!closed.get()) {
      Libc.shutdown(fd, Libc.SHUT_RDWR);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Libc.close(fd);
    }
  }
}
