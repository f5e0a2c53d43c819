package dev.uniscope.trace.vsock.ffm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening AF_UNIX stream socket whose file is 0600 (architecture rule: endpoints are private).
 * {@link #accept} waits with {@code poll} so {@link #close} from another thread ends it promptly.
 */
public final class UnixListener implements AutoCloseable {
  private final int fd;
  private final Path path;
  private final EventFd wakeup;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UnixListener(int fd, Path path, EventFd wakeup) {
    this.fd = fd;
    this.path = path;
    this.wakeup = wakeup;
  }

  /** Binds {@code path} (a stale socket file there is replaced) and listens. */
  public static UnixListener bind(Path path) throws IOException {
    StaleSocket.remove(path);
    int s = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
    try (Arena a = Arena.ofConfined()) {
      Libc.bind(s, UnixSocket.sockaddr(a, path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      Libc.listen(s, 4);
      return new UnixListener(s, path, EventFd.create());
    } catch (IOException | RuntimeException e) {
      Libc.close(s);
      Files.deleteIfExists(path);
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  /** The next connection, or empty once the listener is closed. */
  public Optional<UnixSocket> accept() throws IOException {
    while (!closed.get()) {
      short[] ev = Libc.poll(new int[] {fd, wakeup.fd()}, -1);
      if (ev[1] != 0 || closed.get()) {
        return Optional.empty();
      }
      if (ev[0] != 0) {
        return Optional.of(new UnixSocket(Libc.accept(fd)));
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      wakeup.signal();
      Libc.close(fd);
      Files.deleteIfExists(path);
      // The wakeup eventfd stays open: a thread may still be polling it; it is one fd per listener.
    }
  }
}
