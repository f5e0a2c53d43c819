package dev.uniscope.trace.vsock;

import dev.uniscope.trace.vsock.ffm.EventFd;
import dev.uniscope.trace.vsock.ffm.Libc;
import dev.uniscope.trace.vsock.ffm.UnixListener;
import dev.uniscope.trace.vsock.ffm.UnixSocket;
import dev.uniscope.trace.vsock.packet.PacketEngine;
import dev.uniscope.trace.vsock.vhostuser.ControlSession;
import dev.uniscope.trace.vsock.vhostuser.HandshakeEvent;
import dev.uniscope.trace.vsock.vhostuser.VsockDevice;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The workbench's own vhost-user-vsock backend for QEMU's {@code vhost-user-vsock-pci}. It listens
 * on a Unix socket (0600; put it in a 0700 directory) and QEMU connects to it ({@code -chardev
 * socket,path=...} without {@code server=on}); start the backend before QEMU. One front-end at a
 * time; when it disconnects every connection ends and the backend waits for the next one (QEMU
 * {@code reconnect=N}).
 *
 * <p>Threads: one platform thread reads the control socket, one runs the queues, one delivers
 * accepted connections to listeners. The guest is untrusted: see docs/vsock.md for what is checked.
 *
 * <pre>{@code
 * try (var backend = VhostUserVsockBackend.start(dir.resolve("vhost.sock"), 3)) {
 *   backend.listen(5000, conn -> pipeline.consume(conn.input()));
 *   // qemu ... -chardev socket,id=vu,path=<dir>/vhost.sock -device vhost-user-vsock-pci,chardev=vu
 * }
 * }</pre>
 */
public final class VhostUserVsockBackend implements AutoCloseable {
  private final long guestCid;
  private final UnixListener listener;
  private final EventFd wakeup;
  private final VsockDevice device;
  private final ExecutorService acceptExecutor;
  private final EventLog<HandshakeEvent> handshake = new EventLog<>(512);
  private final EventLog<String> problems = new EventLog<>(512);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread control;
  private final Thread worker;
  private final Object roundLock = new Object();
  private long rounds;
  private int sessionsEnded;
  private volatile UnixSocket current;
  private volatile boolean connected;

  private VhostUserVsockBackend(long guestCid, UnixListener listener, EventFd wakeup) {
    this.guestCid = guestCid;
    this.listener = listener;
    this.wakeup = wakeup;
    this.acceptExecutor =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("vsock-accept").factory());
    PacketEngine engine = new PacketEngine(guestCid, this::wake, acceptExecutor, problems::add);
    this.device = new VsockDevice(guestCid, engine, wakeup, problems::add);
    this.control =
        Thread.ofPlatform().daemon().name("vhost-user-control").unstarted(this::controlLoop);
    this.worker = Thread.ofPlatform().daemon().name("vhost-user-vsock").unstarted(this::deviceLoop);
  }

  /**
   * Listens on {@code socket} and serves guest CID {@code guestCid} (through GET_CONFIG).
   *
   * @throws IllegalArgumentException if the CID is reserved (0, 1, 2, or 0xffffffff and above)
   */
  public static VhostUserVsockBackend start(Path socket, long guestCid) throws IOException {
    if (guestCid < 3 || guestCid >= 0xffff_ffffL) {
      throw new IllegalArgumentException(
          "guest CID " + guestCid + " is reserved; use 3 .. 0xfffffffe, unique per running VM");
    }
    UnixListener l = UnixListener.bind(socket);
    VhostUserVsockBackend b;
    try {
      b = new VhostUserVsockBackend(guestCid, l, EventFd.create());
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
    b.control.start();
    b.worker.start();
    return b;
  }

  public long guestCid() {
    return guestCid;
  }

  public Path socketPath() {
    return listener.path();
  }

  /** Accepts guest connections to host {@code port}; replaces an earlier listener. */
  public void listen(int port, VsockListener l) {
    device.engine().listen(port, l);
  }

  public void unlisten(int port) {
    device.engine().unlisten(port);
  }

  /** Opens a stream to a port the guest listens on. */
  public CompletableFuture<VsockConnection> connect(int guestPort) {
    CompletableFuture<VsockConnection> f = new CompletableFuture<>();
    device.lock().lock();
    try {
      device.engine().connect(guestPort, f);
    } finally {
      device.lock().unlock();
    }
    wake();
    return f;
  }

  /** Whether a front-end (QEMU) is connected right now. */
  public boolean frontEndConnected() {
    return connected;
  }

  /** Every control message received so far (the last 512), in order. */
  public List<HandshakeEvent> handshake() {
    return handshake.snapshot();
  }

  /** Waits for a control message matching {@code p}. */
  public Optional<HandshakeEvent> awaitMessage(Predicate<HandshakeEvent> p, Duration timeout)
      throws InterruptedException {
    return handshake.await(p, timeout);
  }

  /** Problems seen (bad packets, stopped queues, protocol errors), the last 512. */
  public List<String> problems() {
    return problems.snapshot();
  }

  public Optional<String> awaitProblem(Predicate<String> p, Duration timeout)
      throws InterruptedException {
    return problems.await(p, timeout);
  }

  /** Why the rx (0) or tx (1) queue stopped, if it did. */
  public Optional<String> queueFault(int index) {
    return device.fault(index);
  }

  /** Number of open guest connections. */
  public int connectionCount() {
    device.lock().lock();
    try {
      return device.engine().connectionCount();
    } finally {
      device.lock().unlock();
    }
  }

  /**
   * Waits until {@code n} front-end sessions have ended since the backend started (QEMU exited or
   * was killed, and the backend has reset the device and is listening again).
   */
  public boolean awaitSessionsEnded(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (roundLock) {
      while (sessionsEnded < n) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        roundLock.wait(left);
      }
      return true;
    }
  }

  /**
   * Waits until the device thread has finished {@code n} more service rounds after this call (a
   * round started after a kick has seen it): lets tests wait for the device instead of sleeping.
   */
  boolean awaitRounds(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (roundLock) {
      long target = rounds + n;
      wake();
      while (rounds < target) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        roundLock.wait(left);
      }
      return true;
    }
  }

  private void wake() {
    device.wake();
  }

  private void controlLoop() {
    while (!closed.get()) {
      Optional<UnixSocket> s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          problems.add("control socket accept failed: " + e.getMessage());
        }
        return;
      }
      if (s.isEmpty()) {
        return;
      }
      try (UnixSocket sock = s.get()) {
        current = sock;
        connected = true;
        new ControlSession(sock, device, handshake::add, problems::add, closed::get).run();
      } catch (EOFException e) {
        // The front-end went away (QEMU quit, was killed, or reconnects).
      } catch (IOException | RuntimeException e) {
        problems.add("front-end dropped: " + e.getMessage());
      } finally {
        connected = false;
        current = null;
        device.reset("the front-end disconnected");
        synchronized (roundLock) {
          sessionsEnded++;
          roundLock.notifyAll();
        }
      }
    }
  }

  private void deviceLoop() {
    while (!closed.get()) {
      try {
        int[] fds = device.pollSet();
        // Rings without a kick fd are polled; otherwise wake at least every 100 ms for timeouts.
        Libc.poll(fds, device.polledRings() ? 1 : 100);
        device.service(System.nanoTime());
        synchronized (roundLock) {
          rounds++;
          roundLock.notifyAll();
        }
      } catch (IOException | RuntimeException e) {
        problems.add("device thread: " + e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listener.close();
    UnixSocket s = current;
    if (s != null) {
      s.shutdown();
    }
    wake();
    try {
      control.join(5000);
      worker.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    device.reset("the backend closed");
    acceptExecutor.shutdownNow();
    wakeup.close();
  }
}
