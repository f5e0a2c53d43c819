package dev.uniscope.core.session;

import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.command.Command;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.transport.TraceClient;
import dev.uniscope.trace.transport.TraceConnection;
import dev.uniscope.trace.transport.TraceEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The kernel's data channel, recorded: connects to the chardev socket (QEMU listens), writes every
 * frame to the capture file, decodes live, feeds the {@link LiveModels}, and sends commands. Knows
 * nothing about QEMU, so it works the same against a fake kernel.
 */
public final class DataChannel implements AutoCloseable {
  private static final long LOOP_TIMEOUT_MILLIS = 30_000;

  private final TraceConnection connection;
  private final ProblemLog problems;
  private final LiveModels models;
  private final SessionListener listener;
  private boolean helloSeen;
  private volatile boolean scansRefused;
  private CompletableFuture<Reply> pendingScan;
  private boolean closed;

  private DataChannel(
      TraceConnection connection, ProblemLog problems, LiveModels models, SessionListener l) {
    this.connection = connection;
    this.problems = problems;
    this.models = models;
    this.listener = l;
  }

  /** Connects to {@code socket} and records into a new capture file at {@code capture}. */
  public static DataChannel connect(
      Path socket, Path capture, LiveModels models, SessionListener listener, int timeoutMillis)
      throws IOException {
    return connect(new TraceEndpoint.Unix(socket), capture, models, listener, timeoutMillis, false);
  }

  /**
   * Connects to a running kernel's data channel.
   *
   * @param sendInfo ask for the hello again (attaching to a kernel that booted earlier)
   */
  public static DataChannel connect(
      TraceEndpoint endpoint,
      Path capture,
      LiveModels models,
      SessionListener listener,
      int timeoutMillis,
      boolean sendInfo)
      throws IOException {
    ProblemLog problems = new ProblemLog();
    LiveCapture live = LiveCapture.create(capture, CaptureFormat.SOURCE_STREAM, problems);
    try {
      TraceConnection c = TraceClient.connect(endpoint, live, sendInfo, timeoutMillis);
      return new DataChannel(c, problems, models, listener);
    } catch (IOException | RuntimeException e) {
      live.close();
      throw e;
    }
  }

  /** Whether the kernel's hello has arrived. */
  public boolean helloSeen() {
    return helloSeen;
  }

  /** Waits (bounded) until the hello arrived; false at the deadline or when the peer hung up. */
  public boolean awaitHello(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!helloSeen && System.nanoTime() < deadline) {
      pump();
      if (helloSeen || connection.closedFuture().isDone()) {
        break;
      }
      try {
        connection.closedFuture().get(50, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // no hello yet: decode what arrived meanwhile
      }
    }
    return helloSeen;
  }

  /** Feeds the live models with what arrived and returns the counters (on the channel's loop). */
  public TraceSession.Snapshot pump() throws InterruptedException {
    if (closed) {
      return connection.session().stats();
    }
    try {
      // The listener hears of the hello before the models get the first events: views name
      // addresses with the symbols and slide it carries (a sample named before would stay hex).
      if (!helloSeen) {
        Hello hello = connection.inLoop(() -> connection.session().hello(), LOOP_TIMEOUT_MILLIS);
        if (hello != null) {
          helloSeen = true;
          listener.hello(hello);
        }
      }
      boolean feed = helloSeen;
      return connection.inLoop(
          () -> {
            TraceSession ts = connection.session();
            if (feed) {
              models.pump(ts.store());
            }
            return ts.stats();
          },
          LOOP_TIMEOUT_MILLIS);
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      return connection.session().stats();
    }
  }

  /** Sends a command; the future completes with the reply. */
  public CompletableFuture<Reply> send(Command command) {
    return connection.send(command);
  }

  /**
   * Asks for a leak scan unless one is still running or the kernel refused before (a kernel without
   * heap tracking answers "unsupported" once and is not asked again).
   */
  public void requestLeakScan() {
    if (!helloSeen || scansRefused || (pendingScan != null && !pendingScan.isDone())) {
      return;
    }
    pendingScan = connection.send(Command.leakScan());
    pendingScan.thenAccept(
        r -> {
          // BUSY: another scan (the app's, or the kernel's end-of-app scan) is running; the
          // next period asks again. Anything else means this kernel will not scan.
          if (!r.ok() && r.status() != Reply.BUSY && !scansRefused) {
            scansRefused = true;
            listener.note("the kernel refused the leak scan: " + r.message());
          }
        });
  }

  /** Sends {@code command} and waits for its reply (bounded); a refusal becomes a note. */
  public void call(Command command, long millis) throws InterruptedException {
    try {
      Reply r = connection.send(command).get(millis, TimeUnit.MILLISECONDS);
      if (!r.ok()) {
        listener.note(r.opcode() + " refused by the kernel: " + r.message());
      }
    } catch (ExecutionException | TimeoutException e) {
      listener.note("no reply to " + command.opcode() + " within " + millis + " ms");
    }
  }

  /** The last leak scan (when asked) and a flush, then waits until the pages stop coming. */
  public void drain(boolean leakScan) throws InterruptedException {
    if (!helloSeen || connection.closedFuture().isDone()) {
      return;
    }
    if (leakScan && !scansRefused) {
      call(Command.leakScan(), 60_000);
    }
    call(Command.flush(), 10_000);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long pages = -1;
    while (System.nanoTime() < deadline && !connection.closedFuture().isDone()) {
      long now = pump().pages();
      if (now == pages) {
        return;
      }
      pages = now;
      try {
        connection.closedFuture().get(300, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // still open: look again
      }
    }
  }

  /** Completes when the peer hangs up. */
  public CompletableFuture<Void> closedFuture() {
    return connection.closedFuture();
  }

  /**
   * Waits (bounded) for the peer to hang up, delivers the last events to the models and finishes
   * the capture file (index + footer).
   */
  public Finished finish(long waitMillis) throws IOException, InterruptedException {
    try {
      connection.closedFuture().get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Close anyway; whatever arrived is in the file.
    }
    TraceSession.Snapshot stats = pump();
    Optional<Hello> hello = Optional.ofNullable(connection.session().hello());
    close();
    return new Finished(stats, hello, problems);
  }

  /** The counters, the hello and the problems of a finished channel. */
  public record Finished(TraceSession.Snapshot stats, Optional<Hello> hello, ProblemLog problems) {}

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      connection.close();
    }
  }
}
