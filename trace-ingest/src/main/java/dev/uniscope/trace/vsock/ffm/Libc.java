package dev.uniscope.trace.vsock.ffm;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls the vsock code needs, bound with the FFM {@link Linker} (no JNI). Every call
 * captures {@code errno} and turns a failure into a {@link NativeException}. x86_64 Linux (LP64)
 * only. These are blocking calls: run them on platform threads, never virtual ones.
 */
public final class Libc {
  public static final int AF_UNIX = 1;
  public static final int AF_VSOCK = 40;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SCM_RIGHTS = 1;
  public static final int MSG_NOSIGNAL = 0x4000;
  public static final int MSG_CTRUNC = 0x8;
  public static final int MSG_CMSG_CLOEXEC = 0x40000000;
  public static final int SHUT_RDWR = 2;
  public static final int EFD_CLOEXEC = 0x80000;
  public static final int EFD_NONBLOCK = 0x800;
  public static final int MFD_CLOEXEC = 1;
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;
  public static final short POLLIN = 0x1;
  public static final short POLLERR = 0x8;
  public static final short POLLHUP = 0x10;
  public static final short POLLNVAL = 0x20;

  /** SCM_RIGHTS carries at most this many fds per vhost-user message. */
  public static final int MAX_FDS = 8;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final ThreadLocal<MemorySegment> CAPTURE_SLOT =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
  private static final AddressLayout PTR = ValueLayout.ADDRESS;

  private static final MethodHandle SOCKET =
      bind("socket", FunctionDescriptor.of(INT, INT, INT, INT));
  private static final MethodHandle SOCKETPAIR =
      bind("socketpair", FunctionDescriptor.of(INT, INT, INT, INT, PTR));
  private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
  private static final MethodHandle LISTEN = bind("listen", FunctionDescriptor.of(INT, INT, INT));
  private static final MethodHandle ACCEPT4 =
      bind("accept4", FunctionDescriptor.of(INT, INT, PTR, PTR, INT));
  private static final MethodHandle CONNECT =
      bind("connect", FunctionDescriptor.of(INT, INT, PTR, INT));
  private static final MethodHandle RECVMSG =
      bind("recvmsg", FunctionDescriptor.of(LONG, INT, PTR, INT));
  private static final MethodHandle SENDMSG =
      bind("sendmsg", FunctionDescriptor.of(LONG, INT, PTR, INT));
  private static final MethodHandle READ =
      bind("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
  private static final MethodHandle WRITE =
      bind("write", FunctionDescriptor.of(LONG, INT, PTR, LONG));
  private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
  private static final MethodHandle SHUTDOWN =
      bind("shutdown", FunctionDescriptor.of(INT, INT, INT));
  private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(INT, PTR, LONG, INT));
  private static final MethodHandle MMAP =
      bind("mmap", FunctionDescriptor.of(PTR, PTR, LONG, INT, INT, INT, LONG));
  private static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(INT, PTR, LONG));
  private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(INT, INT, INT));
  private static final MethodHandle MEMFD_CREATE =
      bind("memfd_create", FunctionDescriptor.of(INT, PTR, INT));
  private static final MethodHandle LSEEK =
      bind("lseek", FunctionDescriptor.of(LONG, INT, LONG, INT));
  private static final MethodHandle FTRUNCATE =
      bind("ftruncate", FunctionDescriptor.of(INT, INT, LONG));

  /** {@code struct msghdr} (56 bytes). */
  static final StructLayout MSGHDR =
      MemoryLayout.structLayout(
          PTR.withName("msg_name"),
          INT.withName("msg_namelen"),
          MemoryLayout.paddingLayout(4),
          PTR.withName("msg_iov"),
          LONG.withName("msg_iovlen"),
          PTR.withName("msg_control"),
          LONG.withName("msg_controllen"),
          INT.withName("msg_flags"),
          MemoryLayout.paddingLayout(4));

  /** {@code struct iovec} (16 bytes). */
  static final StructLayout IOVEC =
      MemoryLayout.structLayout(PTR.withName("iov_base"), LONG.withName("iov_len"));

  /** {@code struct pollfd} (8 bytes). */
  static final StructLayout POLLFD =
      MemoryLayout.structLayout(
          INT.withName("fd"),
          ValueLayout.JAVA_SHORT.withName("events"),
          ValueLayout.JAVA_SHORT.withName("revents"));

  static final long CMSG_HDR = 16;

  private Libc() {}

  @SuppressWarnings("restricted") // the descriptors match the glibc prototypes above
  private static MethodHandle bind(String name, FunctionDescriptor fd) {
    MemorySegment sym =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    return LINKER.downcallHandle(sym, fd, Linker.Option.captureCallState("errno"));
  }

  private static MemorySegment capture() {
    return CAPTURE_SLOT.get();
  }

  private static int errno(MemorySegment capture) {
    return (int) ERRNO.get(capture, 0L);
  }

  private static RuntimeException unexpected(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  private static int checked(String call, int rc, MemorySegment cap) throws NativeException {
    if (rc < 0) {
      throw new NativeException(call, errno(cap));
    }
    return rc;
  }

  private static long checked(String call, long rc, MemorySegment cap) throws NativeException {
    if (rc < 0) {
      throw new NativeException(call, errno(cap));
    }
    return rc;
  }

  public static int socket(int domain, int type, int protocol) throws NativeException {
    MemorySegment cap = capture();
    try {
      return checked("socket", (int) SOCKET.invokeExact(cap, domain, type, protocol), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A connected AF_UNIX stream pair, close-on-exec. */
  public static int[] socketpair() throws NativeException {
    MemorySegment cap = capture();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment sv = a.allocate(INT, 2);
      checked(
          "socketpair",
          (int) SOCKETPAIR.invokeExact(cap, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
          cap);
      return new int[] {sv.getAtIndex(INT, 0), sv.getAtIndex(INT, 1)};
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static void bind(int fd, MemorySegment addr) throws NativeException {
    MemorySegment cap = capture();
    try {
      checked("bind", (int) BIND.invokeExact(cap, fd, addr, (int) addr.byteSize()), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static void listen(int fd, int backlog) throws NativeException {
    MemorySegment cap = capture();
    try {
      checked("listen", (int) LISTEN.invokeExact(cap, fd, backlog), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Accepts one connection (close-on-exec), ignoring the peer address. */
  public static int accept(int fd) throws NativeException {
    MemorySegment cap = capture();
    try {
      return checked(
          "accept4",
          (int) ACCEPT4.invokeExact(cap, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC),
          cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static void connect(int fd, MemorySegment addr) throws NativeException {
    MemorySegment cap = capture();
    try {
      checked("connect", (int) CONNECT.invokeExact(cap, fd, addr, (int) addr.byteSize()), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static long read(int fd, MemorySegment buf) throws NativeException {
    MemorySegment cap = capture();
    try {
      return checked("read", (long) READ.invokeExact(cap, fd, buf, buf.byteSize()), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static long write(int fd, MemorySegment buf) throws NativeException {
    MemorySegment cap = capture();
    try {
      return checked("write", (long) WRITE.invokeExact(cap, fd, buf, buf.byteSize()), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Closes {@code fd}; errors are ignored because the fd is released either way on Linux. */
  public static void close(int fd) {
    if (fd < 0) {
      return;
    }
    try {
      int ignored = (int) CLOSE.invokeExact(capture(), fd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static void shutdown(int fd, int how) {
    try {
      int ignored = (int) SHUTDOWN.invokeExact(capture(), fd, how);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Waits until one of {@code fds} is readable (or in error); returns per fd the {@code revents}
   * bits, all zero on timeout. EINTR counts as a timeout.
   */
  public static short[] poll(int[] fds, int timeoutMillis) throws NativeException {
    MemorySegment cap = capture();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment pfds = a.allocate(POLLFD, fds.length);
      for (int i = 0; i < fds.length; i++) {
        MemorySegment p = pfds.asSlice(i * POLLFD.byteSize(), POLLFD);
        p.set(INT, 0, fds[i]);
        p.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
      }
      int rc = (int) POLL.invokeExact(cap, pfds, (long) fds.length, timeoutMillis);
      short[] revents = new short[fds.length];
      if (rc < 0) {
        int err = errno(cap);
        if (err == Errno.EINTR) {
          return revents;
        }
        throw new NativeException("poll", err);
      }
      for (int i = 0; i < fds.length; i++) {
        revents[i] = pfds.get(ValueLayout.JAVA_SHORT, i * POLLFD.byteSize() + 6);
      }
      return revents;
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code mmap(NULL, length, READ|WRITE, MAP_SHARED, fd, 0)}; returns the base address. */
  public static MemorySegment mmapShared(int fd, long length) throws NativeException {
    MemorySegment cap = capture();
    try {
      MemorySegment p =
          (MemorySegment)
              MMAP.invokeExact(
                  cap, MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
      if (p.address() == -1L) {
        throw new NativeException("mmap", errno(cap));
      }
      return p;
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static void munmap(MemorySegment base, long length) {
    try {
      int ignored = (int) MUNMAP.invokeExact(capture(), base, length);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int eventfd(int initval, int flags) throws NativeException {
    MemorySegment cap = capture();
    try {
      return checked("eventfd", (int) EVENTFD.invokeExact(cap, initval, flags), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static int memfdCreate(String name) throws NativeException {
    MemorySegment cap = capture();
    try (Arena a = Arena.ofConfined()) {
      return checked(
          "memfd_create",
          (int) MEMFD_CREATE.invokeExact(cap, a.allocateFrom(name), MFD_CLOEXEC),
          cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  public static void ftruncate(int fd, long length) throws NativeException {
    MemorySegment cap = capture();
    try {
      checked("ftruncate", (int) FTRUNCATE.invokeExact(cap, fd, length), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The size of the file behind {@code fd} ({@code lseek(fd, 0, SEEK_END)}). */
  public static long fileSize(int fd) throws NativeException {
    MemorySegment cap = capture();
    try {
      return checked("lseek", (long) LSEEK.invokeExact(cap, fd, 0L, 2), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Bytes read plus the fds that came with them (SCM_RIGHTS), already close-on-exec. */
  public record Received(long bytes, int[] fds, boolean truncatedFds) {}

  /**
   * One {@code recvmsg} into {@code buf} with room for {@link #MAX_FDS} descriptors. A return of 0
   * bytes means the peer closed the stream.
   */
  public static Received recvmsg(int fd, MemorySegment buf) throws NativeException {
    MemorySegment cap = capture();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment iov = a.allocate(IOVEC);
      iov.set(PTR, 0, buf);
      iov.set(LONG, 8, buf.byteSize());
      long controlLen = CMSG_HDR + 4L * MAX_FDS;
      MemorySegment control = a.allocate(controlLen, 8);
      MemorySegment msg = a.allocate(MSGHDR);
      msg.set(PTR, 16, iov);
      msg.set(LONG, 24, 1L);
      msg.set(PTR, 32, control);
      msg.set(LONG, 40, controlLen);
      long n = checked("recvmsg", (long) RECVMSG.invokeExact(cap, fd, msg, MSG_CMSG_CLOEXEC), cap);
      int flags = msg.get(INT, 48);
      long usedControl = msg.get(LONG, 40);
      return new Received(n, parseRights(control, usedControl), (flags & MSG_CTRUNC) != 0);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Walks the control buffer and collects every SCM_RIGHTS fd. */
  private static int[] parseRights(MemorySegment control, long used) {
    int[] out = new int[0];
    long off = 0;
    while (off + CMSG_HDR <= used) {
      long len = control.get(LONG, off);
      int level = control.get(INT, off + 8);
      int type = control.get(INT, off + 12);
      if (len < CMSG_HDR || off + len > used) {
        break;
      }
      if (level == SOL_SOCKET && type == SCM_RIGHTS) {
        int n = (int) ((len - CMSG_HDR) / 4);
        int base = out.length;
        out = java.util.Arrays.copyOf(out, base + n);
        for (int i = 0; i < n; i++) {
          out[base + i] = control.get(INT, off + CMSG_HDR + 4L * i);
        }
      }
      off += (len + 7) & ~7L;
    }
    return out;
  }

  /** One {@code sendmsg} of {@code buf} with {@code fds} as SCM_RIGHTS (none if empty). */
  public static long sendmsg(int fd, MemorySegment buf, int[] fds) throws NativeException {
    if (fds.length > MAX_FDS) {
      throw new IllegalArgumentException("at most " + MAX_FDS + " fds per message");
    }
    MemorySegment cap = capture();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment iov = a.allocate(IOVEC);
      iov.set(PTR, 0, buf);
      iov.set(LONG, 8, buf.byteSize());
      MemorySegment msg = a.allocate(MSGHDR);
      msg.set(PTR, 16, iov);
      msg.set(LONG, 24, 1L);
      if (fds.length > 0) {
        long cmsgLen = CMSG_HDR + 4L * fds.length;
        long space = (cmsgLen + 7) & ~7L;
        MemorySegment control = a.allocate(space, 8);
        control.set(LONG, 0, cmsgLen);
        control.set(INT, 8, SOL_SOCKET);
        control.set(INT, 12, SCM_RIGHTS);
        for (int i = 0; i < fds.length; i++) {
          control.set(INT, CMSG_HDR + 4L * i, fds[i]);
        }
        msg.set(PTR, 32, control);
        msg.set(LONG, 40, space);
      }
      return checked("sendmsg", (long) SENDMSG.invokeExact(cap, fd, msg, MSG_NOSIGNAL), cap);
    } catch (NativeException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }
}
