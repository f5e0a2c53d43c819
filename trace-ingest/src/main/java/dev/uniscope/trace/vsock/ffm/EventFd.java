package dev.uniscope.trace.vsock.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An eventfd: our own (created here, non-blocking) or one QEMU passed us (kick/call). QEMU's are
 * non-blocking too, so reads never block: poll first.
 */
public final class EventFd implements AutoCloseable {
  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  public EventFd(int fd) {
    this.fd = fd;
  }

  /** A new non-blocking, close-on-exec eventfd. */
  public static EventFd create() throws NativeException {
    return new EventFd(Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK));
  }

  public int fd() {
    return fd;
  }

  /**
   * Whether {@code fd} is an eventfd. Kick and call fds come from the front-end; anything else (a
   * pipe, a socket) could block the device thread on read or write.
   */
  public static boolean isEventFd(int fd) {
    try {
      return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd))
          .toString()
          .equals("anon_inode:[eventfd]");
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Adds 1 to the counter (wakes a poller). */
  public void signal() throws NativeException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment one = a.allocate(ValueLayout.JAVA_LONG);
      one.set(ValueLayout.JAVA_LONG, 0, 1L);
      try {
        Libc.write(fd, one);
      } catch (NativeException e) {
        if (e.errno() != Errno.EAGAIN) { // counter saturated: the peer is woken anyway
          throw e;
        }
      }
    }
  }

  /**
   * Resets the counter only if it is non-zero, so the read cannot block even if the front-end
   * handed us a blocking eventfd.
   */
  public void drainIfReady() throws NativeException {
    if (Libc.poll(new int[] {fd}, 0)[0] != 0) {
      drain();
    }
  }

  /** Resets the counter; returns its value (0 if it was already zero). */
  public long drain() throws NativeException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.JAVA_LONG);
      try {
        Libc.read(fd, v);
        return v.get(ValueLayout.JAVA_LONG, 0);
      } catch (NativeException e) {
        if (e.errno() == Errno.EAGAIN) {
          return 0;
        }
        throw e;
      }
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Libc.close(fd);
    }
  }
}
