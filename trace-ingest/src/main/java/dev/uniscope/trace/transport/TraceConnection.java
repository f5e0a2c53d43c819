package dev.uniscope.trace.transport;

import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.command.Command;
import dev.uniscope.trace.command.Reply;
import dev.uniscope.trace.session.TraceSession;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A live data channel to the kernel recording into a capture. The session is confined to the
 * channel's event loop: read it through {@link #inLoop} while connected, or directly after {@link
 * #close}.
 */
public final class TraceConnection implements AutoCloseable {
  private final Channel channel;
  private final Runnable shutdown;
  private final LiveCapture capture;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  /**
   * @param shutdown stops the event loop after the channel closed
   */
  TraceConnection(Channel channel, Runnable shutdown, LiveCapture capture) {
    this.channel = channel;
    this.shutdown = shutdown;
    this.capture = capture;
    channel.closeFuture().addListener(f -> closed.complete(null));
  }

  /**
   * Sends a command; the future completes with the kernel's reply (or fails if the channel closes).
   */
  public CompletableFuture<Reply> send(Command command) {
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    channel.writeAndFlush(new CommandHandler.Pending(command, reply));
    return reply;
  }

  /** Runs {@code task} on the event loop that owns the session (consistent snapshot). */
  public <T> T inLoop(Callable<T> task, long timeoutMillis)
      throws InterruptedException, ExecutionException, TimeoutException {
    return channel.eventLoop().submit(task).get(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Completes when the peer closes the connection or {@link #close} is called. */
  public CompletableFuture<Void> closedFuture() {
    return closed;
  }

  public TraceSession session() {
    return capture.session();
  }

  /** Closes the channel, waits for in-flight frames, then finishes the capture file. */
  @Override
  public void close() throws IOException {
    channel.close().syncUninterruptibly();
    shutdown.run();
    capture.close();
  }
}
