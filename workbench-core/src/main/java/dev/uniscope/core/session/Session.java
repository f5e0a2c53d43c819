package dev.uniscope.core.session;

import dev.uniscope.core.launch.QemuCommand;
import dev.uniscope.core.launch.QemuProcess;
import dev.uniscope.core.qmp.QmpClient;
import dev.uniscope.core.qmp.QmpException;
import dev.uniscope.trace.session.TraceSession;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One launched capture: QEMU (paused at start) with the data channel on COM2 (or vsock), QMP and
 * optionally a gdb stub, all Unix sockets in a private 0700 directory; the data channel recorded
 * into a capture file and decoded live; {@code GUEST_PANICKED} answered with a memory dump; the run
 * ended by the app, a panic, a guest reboot, {@code --duration}, the timeout or {@link #cancel()}
 * (how a VM that went by itself ended: {@link VmEnd}).
 *
 * <pre>{@code
 * try (Session s = Session.launch(config, listener)) {
 *   s.models().subscribe(timeline);
 *   SessionResult r = s.await();
 * }
 * }</pre>
 */
public final class Session implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final long TICK_MILLIS = 200;

  private final SessionConfig config;
  private final SessionListener listener;
  private final Path dir;
  private final QemuProcess qemu;
  private final QmpClient qmp;
  private final DataChannel data;
  private final VsockCarrier vsock;
  private final ConsoleLog console;
  private final QemuStderr stderr;
  private final PanicGuard guard;
  private final ShutdownWatch shutdown;
  private final LiveModels models;
  private final long startNanos;
  private volatile boolean cancelled;
  private SessionResult result;

  private Session(
      SessionConfig config,
      SessionListener listener,
      Path dir,
      QemuProcess qemu,
      QmpClient qmp,
      DataChannel data,
      VsockCarrier vsock,
      ConsoleLog console,
      QemuStderr stderr,
      PanicGuard guard,
      ShutdownWatch shutdown,
      LiveModels models) {
    this.config = config;
    this.listener = listener;
    this.dir = dir;
    this.qemu = qemu;
    this.qmp = qmp;
    this.data = data;
    this.vsock = vsock;
    this.console = console;
    this.stderr = stderr;
    this.guard = guard;
    this.shutdown = shutdown;
    this.models = models;
    this.startNanos = System.nanoTime();
  }

  /** Boots the VM and starts recording; {@link #await()} runs it to the end. */
  public static Session launch(SessionConfig config, SessionListener listener)
      throws IOException, InterruptedException {
    Path dir = QemuProcess.privateDir("uniscope-session-");
    Path dataSock = dir.resolve("data.sock");
    Path qmpSock = dir.resolve("qmp.sock");
    VsockCarrier vsock = null;
    try {
      vsock = config.vsock() ? VsockCarrier.start(dir) : null;
    } catch (IOException | RuntimeException e) {
      QemuProcess.deleteDir(dir);
      throw e;
    }
    QemuCommand cmd =
        QemuCommand.of(config.kernel(), config.cmdline())
            .withSmp(config.smp())
            .withQmpSocket(qmpSock)
            // Paused until the data channel is connected, so the hello is not lost (COM2; over
            // vsock the kernel sends it to each new connection, so the VM starts at once).
            .withPaused(true)
            // A panic leaves the VM in place for dump-guest-memory.
            .withExtra(List.of("-action", "panic=pause"));
    cmd =
        vsock == null ? cmd.withDataSocket(dataSock) : cmd.withExtra(vsock.qemuArgs(cmd.memory()));
    if (config.gdb()) {
      cmd = cmd.withGdbSocket(dir.resolve("gdb.sock"));
    }
    CompletableFuture<Void> listening = new CompletableFuture<>();
    ConsoleLog console =
        new ConsoleLog(
            line -> {
              if (line.contains(VsockCarrier.LISTENING)) {
                listening.complete(null);
              } else if (line.contains(VsockCarrier.CANNOT)) {
                listening.completeExceptionally(new IOException("kernel: " + line.strip()));
              }
              listener.consoleLine(line);
            });
    QemuStderr stderr = new QemuStderr(listener::note);
    QemuProcess qemu = null;
    QmpClient qmp = null;
    DataChannel data = null;
    try {
      qemu = QemuProcess.start(cmd, console, stderr);
      LiveModels models = new LiveModels();
      PanicGuard guard;
      ShutdownWatch shutdown;
      if (vsock == null) {
        qemu.awaitSocket(dataSock, START_TIMEOUT);
        qemu.awaitSocket(qmpSock, START_TIMEOUT);
        data =
            DataChannel.connect(
                dataSock, config.capture(), models, listener, (int) START_TIMEOUT.toMillis());
        qmp = QmpClient.connect(qmpSock, START_TIMEOUT);
        guard = PanicGuard.watch(qmp, config.dumpFile(), listener::note);
        shutdown = ShutdownWatch.watch(qmp);
        qmp.cont();
      } else {
        qemu.awaitSocket(qmpSock, START_TIMEOUT);
        qmp = QmpClient.connect(qmpSock, START_TIMEOUT);
        guard = PanicGuard.watch(qmp, config.dumpFile(), listener::note);
        shutdown = ShutdownWatch.watch(qmp);
        qmp.cont();
        awaitListening(listening, qemu);
        vsock.expose(dataSock, START_TIMEOUT);
        data =
            DataChannel.connect(
                dataSock, config.capture(), models, listener, (int) START_TIMEOUT.toMillis());
      }
      return new Session(
          config, listener, dir, qemu, qmp, data, vsock, console, stderr, guard, shutdown, models);
    } catch (TimeoutException | QmpException e) {
      closeQuietly(data, qmp, qemu, vsock);
      QemuProcess.deleteDir(dir);
      throw new IOException("QEMU did not start: " + e.getMessage(), e);
    } catch (IOException | RuntimeException | InterruptedException e) {
      closeQuietly(data, qmp, qemu, vsock);
      QemuProcess.deleteDir(dir);
      throw e;
    }
  }

  /** Until the kernel listens on the vsock data port (its console says so), bounded. */
  private static void awaitListening(CompletableFuture<Void> listening, QemuProcess qemu)
      throws IOException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!listening.isDone()) {
      if (!qemu.isAlive()) {
        throw new IOException("QEMU exited before the kernel listened on vsock port 5151");
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "the kernel did not listen on vsock port 5151 within " + START_TIMEOUT);
      }
      try {
        listening.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // not yet: check QEMU again
      } catch (ExecutionException e) {
        throw new IOException(e.getCause().getMessage(), e.getCause());
      }
    }
    try {
      listening.get();
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    }
  }

  /** The live models; subscribe before {@link #await()} to see every event. */
  public LiveModels models() {
    return models;
  }

  /** The private directory holding the sockets (and the gdb stub, if asked for). */
  public Path directory() {
    return dir;
  }

  /** Asks {@link #await()} to stop the VM and finish the capture; safe from any thread. */
  public void cancel() {
    cancelled = true;
  }

  /** Runs the session to its end and finishes the capture file and run record. */
  public SessionResult await() throws IOException, InterruptedException {
    if (result != null) {
      return result;
    }
    Duration limit = config.duration() != null ? config.duration() : config.timeout();
    long total = limit.toNanos();
    long lastScan = System.nanoTime();
    SessionOutcome outcome;
    while (true) {
      TraceSession.Snapshot stats = data.pump();
      long elapsed = System.nanoTime() - startNanos;
      listener.progress(stats, elapsed, total);
      if (guard.panicked()) {
        outcome = panicked();
        break;
      }
      if (!qemu.isAlive()) {
        outcome = exited();
        break;
      }
      if (cancelled) {
        stopGuest();
        outcome = new SessionOutcome.Cancelled();
        break;
      }
      if (elapsed >= total) {
        stopGuest();
        outcome =
            config.duration() != null
                ? new SessionOutcome.DurationElapsed()
                : new SessionOutcome.TimedOut();
        break;
      }
      if (config.boot().heap()
          && config.leakScanEvery() != null
          && System.nanoTime() - lastScan >= config.leakScanEvery().toNanos()) {
        lastScan = System.nanoTime();
        data.requestLeakScan();
      }
      qemu.awaitExit(Duration.ofMillis(TICK_MILLIS));
    }
    result = finish(outcome);
    return result;
  }

  private SessionOutcome panicked() throws InterruptedException {
    Path dump;
    try {
      dump = guard.dumped().get(10, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      dump = null;
    }
    qemu.awaitExit(Duration.ofSeconds(10));
    console.awaitEnd(5000);
    return new SessionOutcome.Panicked(console.panicReason(), dump);
  }

  private SessionOutcome exited() throws InterruptedException {
    QemuProcess.ExitStatus st = qemu.awaitExit(Duration.ofSeconds(10)).orElseThrow();
    console.awaitEnd(5000);
    // QEMU sends SHUTDOWN just before it exits; once QMP is closed every event has been read.
    try {
      qmp.closedFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Without the event the console still tells a reset (VmEnd).
    }
    if (guard.panicked()) {
      return panicked();
    }
    return VmEnd.of(st, console, shutdown.reason(), cancelled || stderr.signalled()).outcome();
  }

  /** Last leak scan (heap), flush, wait for the pages, then quit QEMU. */
  private void stopGuest() throws InterruptedException {
    data.drain(config.boot().heap());
    try {
      qmp.quit();
    } catch (QmpException e) {
      // Gone already; close() kills it regardless.
    }
    qemu.awaitExit(Duration.ofSeconds(10));
    console.awaitEnd(5000);
  }

  private SessionResult finish(SessionOutcome outcome) throws IOException, InterruptedException {
    long elapsed = System.nanoTime() - startNanos;
    // QEMU is gone, so its end of the socket is closed: the last bytes get decoded.
    DataChannel.Finished f = data.finish(5000);
    RunRecord.of(config, console.appName(), outcome, elapsed, console.tail())
        .write(config.runRecordFile());
    return new SessionResult(
        outcome,
        config.capture(),
        f.hello(),
        f.stats(),
        elapsed,
        f.problems().first(),
        f.problems().total());
  }

  /** Kills QEMU if it still runs, closes every endpoint and removes the private directory. */
  @Override
  public void close() {
    closeQuietly(data, qmp, qemu, vsock);
    QemuProcess.deleteDir(dir);
  }

  private static void closeQuietly(
      DataChannel data, QmpClient qmp, QemuProcess qemu, VsockCarrier vsock) {
    if (qemu != null) {
      qemu.close();
    }
    if (qmp != null) {
      qmp.close();
    }
    try {
      if (data != null) {
        data.close();
      }
    } catch (IOException e) {
      // Best effort: the capture file stays readable without its footer.
    }
    try {
      if (vsock != null) {
        vsock.close();
      }
    } catch (IOException e) {
      // Best effort: the back-end's threads are daemons and its socket is in the private dir.
    }
  }
}
