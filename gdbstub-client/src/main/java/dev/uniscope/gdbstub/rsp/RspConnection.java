package dev.uniscope.gdbstub.rsp;

import dev.uniscope.gdbstub.rsp.wire.RspAckHandler;
import dev.uniscope.gdbstub.rsp.wire.RspControl;
import dev.uniscope.gdbstub.rsp.wire.RspFrameDecoder;
import dev.uniscope.gdbstub.rsp.wire.RspFrameEncoder;
import dev.uniscope.gdbstub.rsp.wire.RspPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One RSP connection as a FIFO of outstanding requests: the stub answers in order, so the n-th
 * reply belongs to the n-th request and requests can be pipelined. Every request carries a timeout;
 * on expiry every outstanding request fails and the connection closes, since a late reply would
 * otherwise be matched to the wrong request. All state lives on the channel's event loop.
 */
public final class RspConnection implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RspConnection.class.getName());

  /** How a request's reply arrives. */
  public enum ReplyKind {
    /** One packet. */
    NORMAL,
    /** {@code O<hex>} console packets, then one final packet ({@code qRcmd}). */
    CONSOLE,
    /** A stop reply, possibly much later ({@code c}, {@code s}, {@code ?}). */
    STOP
  }

  /** Turns a reply payload into a value; runs on the event loop and must not keep the buffer. */
  @FunctionalInterface
  public interface ReplyParser<T> {
    T parse(String command, ByteBuf payload);
  }

  private final RspEndpoint endpoint;
  // Set once in initChannel, before any I/O on the channel.
  private Channel channel;
  private EventLoop loop;
  private final ArrayDeque<Pending<?>> pending = new ArrayDeque<>();
  private final CopyOnWriteArrayList<Consumer<StopReply>> stopListeners =
      new CopyOnWriteArrayList<>();
  private volatile boolean running;
  private Pending<?> heldResume;
  private boolean interruptAfterResume;
  private volatile RspException failure;

  private RspConnection(RspEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Connects (blocking, bounded by {@code timeout}). */
  public static RspConnection connect(RspEndpoint endpoint, Duration timeout, int maxPayload) {
    return connect(endpoint, timeout, REFUSED_RETRY, maxPayload);
  }

  /**
   * As {@link #connect(RspEndpoint, Duration, int)}, retrying refusals for {@code refusedRetry}.
   */
  static RspConnection connect(
      RspEndpoint endpoint, Duration timeout, Duration refusedRetry, int maxPayload) {
    var conn = new RspConnection(endpoint);
    Bootstrap b =
        new Bootstrap()
            .group(RspTransport.group())
            .channel(RspTransport.channelType(endpoint))
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    conn.channel = ch;
                    conn.loop = ch.eventLoop();
                    ch.pipeline()
                        // One write syscall per read batch instead of one per ack/request.
                        .addLast("flush", new FlushConsolidationHandler(256, true))
                        .addLast("frames", new RspFrameDecoder(maxPayload))
                        .addLast("encoder", new RspFrameEncoder())
                        .addLast("acks", new RspAckHandler())
                        .addLast("dispatch", new Dispatcher(conn));
                  }
                });
    if (endpoint instanceof RspEndpoint.Tcp) {
      b.option(ChannelOption.TCP_NODELAY, true);
    }
    // A stub that is starting has its socket but may not listen yet (QEMU binds, then listens):
    // a refused connection is tried again for a few seconds before it counts.
    long refusedUntil = System.nanoTime() + Math.min(timeout.toNanos(), refusedRetry.toNanos());
    while (true) {
      ChannelFuture f = b.connect(RspTransport.address(endpoint));
      try {
        if (!f.await(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
          f.cancel(true);
          throw new RspException("timed out connecting to gdb stub at " + endpoint);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        f.cancel(true);
        throw new RspException("interrupted connecting to gdb stub at " + endpoint, e);
      }
      if (f.isSuccess()) {
        return conn;
      }
      if (!(f.cause() instanceof ConnectException) || System.nanoTime() - refusedUntil > 0) {
        throw new RspException(
            "cannot connect to gdb stub at " + endpoint + ": " + f.cause().getMessage(), f.cause());
      }
      REFUSED.incrementAndGet();
      LockSupport.parkNanos(REFUSED_PAUSE_NANOS);
    }
  }

  private static final AtomicLong REFUSED = new AtomicLong();

  /** Refused connection attempts retried so far, process-wide (tests observe the retry). */
  static long refusedAttempts() {
    return REFUSED.get();
  }

  /** How long a refused connection is tried again (a stub just starting). */
  static final Duration REFUSED_RETRY = Duration.ofSeconds(5);

  private static final long REFUSED_PAUSE_NANOS = 20_000_000;

  /** Completes when the connection to the stub closes, for whatever reason. */
  public CompletableFuture<Void> closeFuture() {
    var f = new CompletableFuture<Void>();
    channel.closeFuture().addListener(x -> f.complete(null));
    return f;
  }

  /** The I/O thread that owns this connection; futures complete on it. */
  public EventLoop eventLoop() {
    return loop;
  }

  public RspEndpoint endpoint() {
    return endpoint;
  }

  /** True between sending a resume ({@code c}, {@code s}, ...) and its stop reply. */
  public boolean isRunning() {
    return running;
  }

  public boolean isOpen() {
    return channel.isActive() && failure == null;
  }

  /** Stop replies nobody asked for (e.g. the one QEMU sends when we connect to a running VM). */
  public void onUnsolicitedStop(Consumer<StopReply> listener) {
    stopListeners.add(listener);
  }

  /** A request answered by one packet, returned as text. */
  public CompletableFuture<String> request(String command, Duration timeout) {
    return send(command, ReplyKind.NORMAL, false, timeout, null, Replies::text);
  }

  public <T> CompletableFuture<T> request(String command, Duration timeout, ReplyParser<T> parser) {
    return send(command, ReplyKind.NORMAL, false, timeout, null, parser);
  }

  /**
   * Sends a resume packet; completes with the stop reply. While it is outstanding only {@link
   * #interrupt()} may be used (QEMU stops the VM on any byte and drops it).
   */
  public CompletableFuture<StopReply> resume(String command, Duration timeoutOrNull) {
    return send(command, ReplyKind.STOP, true, timeoutOrNull, null, Replies::stop);
  }

  /** {@code ?}: the reason the target is halted. Removes all breakpoints on QEMU. */
  public CompletableFuture<StopReply> haltReason(Duration timeout) {
    return send("?", ReplyKind.STOP, false, timeout, null, Replies::stop);
  }

  /** A request whose reply is preceded by {@code O} console packets, each given to {@code sink}. */
  public <T> CompletableFuture<T> console(
      String command, Duration timeout, Consumer<String> sink, ReplyParser<T> parser) {
    return send(command, ReplyKind.CONSOLE, false, timeout, sink, parser);
  }

  /** The general form; the others are shorthands. */
  public <T> CompletableFuture<T> send(
      String command,
      ReplyKind kind,
      boolean resumes,
      Duration timeoutOrNull,
      Consumer<String> consoleSink,
      ReplyParser<T> parser) {
    var p = new Pending<>(command, kind, resumes, timeoutOrNull, consoleSink, parser);
    if (loop.inEventLoop()) {
      enqueue(p);
    } else {
      loop.execute(() -> enqueue(p));
    }
    return p.future;
  }

  /** Sends 0x03 if the target is running; a no-op otherwise (QEMU ignores it when stopped). */
  public void interrupt() {
    loop.execute(
        () -> {
          if (heldResume != null) {
            interruptAfterResume = true;
          } else if (running && channel.isActive()) {
            channel.writeAndFlush(RspControl.INTERRUPT);
          }
        });
  }

  private void enqueue(Pending<?> p) {
    if (failure != null || !channel.isActive()) {
      p.future.completeExceptionally(
          failure != null
              ? failure
              : new RspException.Closed("connection to " + endpoint + " is closed", null));
      return;
    }
    if (running) {
      p.future.completeExceptionally(
          new IllegalStateException(
              "target is running: cannot send '" + p.command + "' before it stops"));
      return;
    }
    if (p.resumes) {
      running = true;
      if (!pending.isEmpty()) {
        // Our '+' for an earlier reply would reach QEMU after the resume and stop the VM again
        // (any byte stops a running VM): send the resume only once everything is answered.
        heldResume = p;
        return;
      }
    }
    write(p);
  }

  private void write(Pending<?> p) {
    pending.add(p);
    if (p.timeout != null) {
      p.timer = loop.schedule(() -> expire(p), p.timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    channel
        .writeAndFlush(RspPacket.of(p.command))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(new RspException.Closed("cannot write to stub at " + endpoint, f.cause()));
              }
            });
  }

  private void expire(Pending<?> p) {
    if (!pending.contains(p)) {
      return;
    }
    fail(
        new RspException.Timeout(
            "gdb stub at "
                + endpoint
                + " did not answer '"
                + RspException.abbreviate(p.command)
                + "' within "
                + p.timeout.toMillis()
                + " ms; connection closed"));
    channel.close();
  }

  private void fail(RspException e) {
    if (failure == null) {
      failure = e;
    }
    running = false;
    if (heldResume != null) {
      pending.add(heldResume);
      heldResume = null;
    }
    Pending<?> p;
    while ((p = pending.poll()) != null) {
      p.cancelTimer();
      p.future.completeExceptionally(e);
    }
  }

  private void onPacket(ByteBuf buf) {
    Pending<?> head = pending.peek();
    int n = buf.readableBytes();
    byte first = n > 0 ? buf.getByte(buf.readerIndex()) : 0;
    boolean ok = n == 2 && first == 'O' && buf.getByte(buf.readerIndex() + 1) == 'K';
    if (first == 'O' && !ok && head != null && head.kind != ReplyKind.NORMAL) {
      if (head.consoleSink != null) {
        head.consoleSink.accept(buf.toString(StandardCharsets.ISO_8859_1));
      }
      return;
    }
    if ((first == 'T' || first == 'S' || first == 'W' || first == 'X')
        && (head == null || head.kind != ReplyKind.STOP)) {
      String text = buf.toString(StandardCharsets.ISO_8859_1);
      if (StopReply.looksLike(text)) {
        try {
          StopReply r = StopReply.parse(text);
          for (var l : stopListeners) {
            l.accept(r);
          }
        } catch (IllegalArgumentException e) {
          LOG.warning("ignoring malformed stop reply from " + endpoint + ": " + e.getMessage());
        }
        return;
      }
    }
    if (head == null) {
      LOG.fine(() -> "dropping unexpected packet from " + endpoint);
      return;
    }
    pending.poll();
    head.cancelTimer();
    if (head.resumes) {
      running = false;
    }
    head.complete(buf);
    if (pending.isEmpty() && heldResume != null) {
      Pending<?> r = heldResume;
      heldResume = null;
      write(r);
      if (interruptAfterResume) {
        interruptAfterResume = false;
        channel.writeAndFlush(RspControl.INTERRUPT);
      }
    }
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static final class Pending<T> {
    final String command;
    final ReplyKind kind;
    final boolean resumes;
    final Duration timeout;
    final Consumer<String> consoleSink;
    final ReplyParser<T> parser;
    final CompletableFuture<T> future = new CompletableFuture<>();
    ScheduledFuture<?> timer;

    Pending(
        String command,
        ReplyKind kind,
        boolean resumes,
        Duration timeout,
        Consumer<String> consoleSink,
        ReplyParser<T> parser) {
      this.command = command;
      this.kind = kind;
      this.resumes = resumes;
      this.timeout = timeout;
      this.consoleSink = consoleSink;
      this.parser = parser;
    }

    void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
      }
    }

    void complete(ByteBuf buf) {
      T value;
      try {
        value = parser.parse(command, buf);
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
        return;
      }
      future.complete(value);
    }
  }

  private static final class Dispatcher extends SimpleChannelInboundHandler<Object> {
    final RspConnection owner;

    Dispatcher(RspConnection owner) {
      this.owner = owner;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof RspPacket p) {
        owner.onPacket(p.content());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      owner.fail(
          new RspException.Closed("connection to gdb stub at " + owner.endpoint + " closed", null));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      owner.fail(
          cause instanceof java.io.IOException
              ? new RspException.Closed(
                  "connection to gdb stub at " + owner.endpoint + " lost: " + cause.getMessage(),
                  cause)
              : new RspException(
                  "protocol error from gdb stub at " + owner.endpoint + ": " + cause.getMessage(),
                  cause));
      ctx.close();
    }
  }
}
