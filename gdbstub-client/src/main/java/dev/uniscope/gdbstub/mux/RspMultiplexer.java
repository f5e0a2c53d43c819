package dev.uniscope.gdbstub.mux;

import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspConnection;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspException;
import dev.uniscope.gdbstub.rsp.RspTransport;
import dev.uniscope.gdbstub.rsp.StopReply;
import dev.uniscope.gdbstub.rsp.wire.RspAckHandler;
import dev.uniscope.gdbstub.rsp.wire.RspControl;
import dev.uniscope.gdbstub.rsp.wire.RspFrameDecoder;
import dev.uniscope.gdbstub.rsp.wire.RspFrameEncoder;
import dev.uniscope.gdbstub.rsp.wire.RspPacket;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Shares QEMU's single gdb-stub connection. The workbench's {@link RspClient} holds it; this class
 * serves an RSP endpoint of its own for one gdb (or IDE) at a time and relays its packets. The
 * workbench runs its own requests in {@link #withStub sections} between gdb's packets; when gdb has
 * resumed the target, a section interrupts it, runs, and resumes it again, and gdb never sees that
 * stop. All state is confined to the upstream connection's event loop.
 *
 * <p>QEMU quirks handled for gdb: {@code ?} is answered locally (on QEMU it would delete every
 * breakpoint, the workbench's too); {@code D}/{@code k} are answered locally (they would resume or
 * kill QEMU under the workbench) after removing gdb's own breakpoints; the {@code Hg} thread and
 * the physical-memory mode gdb selected are restored after each workbench section.
 */
public final class RspMultiplexer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RspMultiplexer.class.getName());

  private final RspClient client;
  private final RspConnection conn;
  private final EventLoop loop;
  private RspEndpoint endpoint;
  private Channel server;
  private final Duration timeout;
  private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.Consumer<Boolean>>
      runListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.Consumer<Boolean>>
      attachListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong internalStops =
      new java.util.concurrent.atomic.AtomicLong();

  // ---- event-loop state ----
  private Channel gdb;
  private final ArrayDeque<String> gdbQueue = new ArrayDeque<>();
  private boolean relaying;
  private final ArrayDeque<Section<?>> sections = new ArrayDeque<>();
  private boolean inSection;

  /** gdb's resume packet while the target runs on its behalf. */
  private String gdbResume;

  private boolean internalStopPending;
  private boolean gdbWantsStop;

  /** Set while the target is stopped by us under gdb's resume; resumed after the sections. */
  private String resumeAfterSections;

  private String internalStopText;
  private String lastStop;
  private String gdbGeneralThread;
  private boolean gdbPhysical;
  private final Set<String> gdbBreakpoints = new LinkedHashSet<>();

  private record Section<T>(
      Function<RspClient, CompletableFuture<T>> body, CompletableFuture<T> result) {}

  private RspMultiplexer(RspClient client, RspEndpoint endpoint) {
    this.client = client;
    this.conn = client.connection();
    this.loop = conn.eventLoop();
    this.endpoint = endpoint;
    this.timeout = client.options().requestTimeout();
    this.lastStop = client.initialStop().map(RspMultiplexer::render).orElse("S05");
  }

  /** Listens on a fresh Unix socket in a private (0700) directory. */
  public static RspMultiplexer start(RspClient client) throws IOException {
    Path dir =
        Files.createTempDirectory(
            "uniscope-gdb",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return start(client, new RspEndpoint.Unix(dir.resolve("gdb.sock")));
  }

  /**
   * Listens on {@code listen}: a Unix socket (made 0600) or a loopback TCP address; any other
   * address is refused.
   */
  public static RspMultiplexer start(RspClient client, RspEndpoint listen) throws IOException {
    if (listen instanceof RspEndpoint.Tcp t
        && !InetAddress.getByName(t.host()).isLoopbackAddress()) {
      throw new IllegalArgumentException("the multiplexer listens on loopback only, not " + t);
    }
    RspMultiplexer mux = new RspMultiplexer(client, listen);
    EventLoop loop = client.connection().eventLoop();
    mux.server =
        new ServerBootstrap()
            .group(RspTransport.group(), loop)
            .channel(RspTransport.serverChannelType(listen))
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new RspFrameDecoder())
                        .addLast(new RspFrameEncoder())
                        .addLast(new RspAckHandler())
                        .addLast(new GdbSide(mux));
                  }
                })
            .bind(RspTransport.address(listen))
            .syncUninterruptibly()
            .channel();
    if (listen instanceof RspEndpoint.Unix u) {
      Files.setPosixFilePermissions(u.path(), PosixFilePermissions.fromString("rw-------"));
    }
    if (listen instanceof RspEndpoint.Tcp t && t.port() == 0) {
      var a = (java.net.InetSocketAddress) mux.server.localAddress();
      mux.endpoint = new RspEndpoint.Tcp(t.host(), a.getPort());
    }
    return mux;
  }

  /** Where gdb connects: {@code target remote <this>}. */
  public RspEndpoint endpoint() {
    return endpoint;
  }

  /** The argument for gdb's {@code target remote}. */
  public String gdbTarget() {
    return switch (endpoint) {
      case RspEndpoint.Unix u -> u.path().toString();
      case RspEndpoint.Tcp t -> t.host() + ":" + t.port();
    };
  }

  /**
   * Runs {@code body} with exclusive use of the stub, between gdb's packets. If gdb has the target
   * running, it is stopped first and resumed afterwards without gdb noticing. The body must only
   * issue requests through the given client and finish them before its future completes.
   */
  public <T> CompletableFuture<T> withStub(Function<RspClient, CompletableFuture<T>> body) {
    var s = new Section<>(body, new CompletableFuture<T>());
    loop.execute(
        () -> {
          sections.add(s);
          pump();
        });
    return s.result;
  }

  // ---- scheduling ----

  private void pump() {
    if (inSection || relaying || internalStopPending) {
      return;
    }
    if (!sections.isEmpty()) {
      if (gdbResume != null) {
        internalStopPending = true;
        conn.interrupt();
        return;
      }
      runSection(sections.poll());
      return;
    }
    if (resumeAfterSections != null) {
      String cmd = resumeAfterSections;
      resumeAfterSections = null;
      relayResume(cmd, false);
      return;
    }
    if (!gdbQueue.isEmpty()) {
      relay(gdbQueue.poll());
    }
  }

  private <T> void runSection(Section<T> s) {
    inSection = true;
    CompletableFuture<?> pre =
        gdbPhysical
            ? conn.request("Qqemu.PhyMemMode:0", timeout)
            : CompletableFuture.completedFuture(null);
    pre.thenCompose(x -> s.body.apply(client))
        .whenComplete(
            (v, e) ->
                loop.execute(
                    () -> {
                      // Put back what gdb believes the stub's state is.
                      if (gdbGeneralThread != null) {
                        conn.request("Hg" + gdbGeneralThread, timeout);
                      }
                      if (gdbPhysical) {
                        conn.request("Qqemu.PhyMemMode:1", timeout);
                      }
                      inSection = false;
                      if (e != null) {
                        s.result.completeExceptionally(e);
                      } else {
                        s.result.complete(v);
                      }
                      pump();
                    }));
  }

  // ---- relaying gdb's packets ----

  private void onGdbPacket(String packet) {
    if (gdbQueue.size() >= 256) {
      // gdb waits for each reply; a peer that floods us is not gdb.
      LOG.warning("gdb client sent too many packets without waiting; disconnecting it");
      closeGdb();
      return;
    }
    gdbQueue.add(packet);
    pump();
  }

  private void onGdbInterrupt() {
    if (gdbResume != null) {
      if (internalStopPending) {
        gdbWantsStop = true;
      } else {
        conn.interrupt();
      }
    } else if (resumeAfterSections != null) {
      // Already stopped by us: hand that stop to gdb instead of resuming.
      resumeAfterSections = null;
      stopForGdb(internalStopText);
    }
  }

  private static boolean isResume(String p) {
    if (p.isEmpty()) {
      return false;
    }
    char c = p.charAt(0);
    return c == 'c' || c == 'C' || c == 's' || c == 'S' || (p.startsWith("vCont;"));
  }

  private void relay(String packet) {
    if (packet.equals("?")) {
      toGdb(lastStop);
      pump();
      return;
    }
    if (packet.equals("D")
        || packet.startsWith("D;")
        || packet.equals("k")
        || packet.startsWith("vKill")) {
      relaying = true;
      removeGdbBreakpoints()
          .whenComplete(
              (v, e) -> {
                if (!packet.equals("k")) {
                  toGdb("OK");
                }
                relaying = false;
                pump();
              });
      return;
    }
    if (isResume(packet)) {
      relayResume(packet, true);
      return;
    }
    relaying = true;
    boolean console = packet.startsWith("qRcmd,");
    conn.send(
            packet,
            console ? RspConnection.ReplyKind.CONSOLE : RspConnection.ReplyKind.NORMAL,
            false,
            timeout,
            console ? this::toGdb : null,
            (cmd, buf) -> buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1))
        .whenComplete(
            (reply, e) -> {
              relaying = false;
              if (e != null) {
                LOG.warning("upstream failed relaying '" + packet + "': " + e);
                closeGdb();
              } else {
                track(packet, reply);
                toGdb(reply);
              }
              pump();
            });
  }

  private void relayResume(String packet, boolean byGdb) {
    gdbResume = packet;
    if (byGdb) {
      runListeners.forEach(l -> l.accept(true));
    }
    conn.send(
            packet,
            RspConnection.ReplyKind.STOP,
            true,
            null,
            null,
            (cmd, buf) -> buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1))
        .whenComplete((stop, e) -> onResumeStopped(packet, stop, e));
  }

  private void onResumeStopped(String packet, String stop, Throwable e) {
    gdbResume = null;
    if (e != null) {
      internalStopPending = false;
      closeGdb();
      return;
    }
    if (internalStopPending) {
      internalStopPending = false;
      boolean ours = isSigint(stop) && !gdbWantsStop;
      gdbWantsStop = false;
      if (ours) {
        internalStops.incrementAndGet();
        internalStopText = stop;
        resumeAfterSections = packet;
        pump();
        return;
      }
    }
    stopForGdb(stop);
    pump();
  }

  private void stopForGdb(String stop) {
    runListeners.forEach(l -> l.accept(false));
    lastStop = stop;
    gdbGeneralThread = null; // QEMU selects the stopping vCPU; gdb knows this too
    toGdb(stop);
  }

  private static boolean isSigint(String stop) {
    return stop.startsWith("T02") || stop.equals("S02");
  }

  private void track(String packet, String reply) {
    if (!reply.equals("OK")) {
      return;
    }
    if (packet.startsWith("Hg")) {
      gdbGeneralThread = packet.substring(2);
    } else if (packet.equals("Qqemu.PhyMemMode:1")) {
      gdbPhysical = true;
    } else if (packet.equals("Qqemu.PhyMemMode:0")) {
      gdbPhysical = false;
    } else if (packet.startsWith("Z")) {
      gdbBreakpoints.add(packet.substring(1));
    } else if (packet.startsWith("z")) {
      gdbBreakpoints.remove(packet.substring(1));
    }
  }

  private CompletableFuture<Void> removeGdbBreakpoints() {
    var bps = new LinkedHashSet<>(gdbBreakpoints);
    boolean phys = gdbPhysical;
    gdbBreakpoints.clear();
    gdbPhysical = false;
    return removeAll(bps, phys);
  }

  /** Removes breakpoints gdb left behind (errors ignored: they may be gone already). */
  private CompletableFuture<Void> removeAll(Set<String> bps, boolean physicalMode) {
    var all =
        bps.stream()
            .map(b -> conn.request("z" + b, timeout).handle((r, e) -> (Void) null))
            .toArray(CompletableFuture[]::new);
    if (physicalMode) {
      conn.request("Qqemu.PhyMemMode:0", timeout);
    }
    return CompletableFuture.allOf(all);
  }

  private void toGdb(String payload) {
    if (gdb != null && gdb.isActive()) {
      gdb.writeAndFlush(RspPacket.of(payload));
    }
  }

  private void closeGdb() {
    if (gdb != null) {
      gdb.close();
    }
  }

  private void onGdbConnected(Channel ch) {
    if (gdb != null && gdb.isActive()) {
      LOG.info("refusing a second gdb connection");
      ch.close();
      return;
    }
    gdb = ch;
    attachListeners.forEach(l -> l.accept(true));
  }

  private void onGdbDisconnected(Channel ch) {
    if (ch != gdb) {
      return;
    }
    gdb = null;
    gdbQueue.clear();
    gdbGeneralThread = null;
    if (gdbResume != null || resumeAfterSections != null) {
      // The target runs on gdb's behalf: clean up in a section (stop, remove, resume) so gdb's
      // breakpoints cannot stop it later with nobody to tell.
      var bps = new LinkedHashSet<>(gdbBreakpoints);
      boolean phys = gdbPhysical;
      gdbBreakpoints.clear();
      gdbPhysical = false;
      sections.add(new Section<Void>(c -> removeAll(bps, phys), new CompletableFuture<>()));
      pump();
    } else {
      removeGdbBreakpoints();
    }
    attachListeners.forEach(l -> l.accept(false));
  }

  /** Called on the I/O thread with true when a gdb connects and false when it leaves. */
  public void onGdbAttached(java.util.function.Consumer<Boolean> listener) {
    attachListeners.add(listener);
  }

  /**
   * Called with true when gdb resumes the target and false when gdb is told it stopped (stops the
   * workbench makes for its own sections are not reported). Runs on the I/O thread.
   */
  public void onGdbRunState(java.util.function.Consumer<Boolean> listener) {
    runListeners.add(listener);
  }

  /** How many times a section had to stop a target gdb had resumed. */
  public long internalStops() {
    return internalStops.get();
  }

  public boolean gdbAttached() {
    Channel g = gdb;
    return g != null && g.isActive();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    loop.execute(this::closeGdb);
    if (endpoint instanceof RspEndpoint.Unix u) {
      try {
        Files.deleteIfExists(u.path());
      } catch (IOException e) {
        LOG.fine("cannot delete " + u.path());
      }
    }
  }

  static String render(StopReply r) {
    return switch (r) {
      case StopReply.Signal s ->
          String.format("T%02x", s.signal())
              + s.thread().map(t -> "thread:" + t.wire() + ";").orElse("");
      case StopReply.Exited e -> String.format("W%02x", e.status());
      case StopReply.Terminated t -> String.format("X%02x", t.signal());
    };
  }

  /** The gdb-facing end: one per accepted connection, on the multiplexer's event loop. */
  private static final class GdbSide extends SimpleChannelInboundHandler<Object> {
    private final RspMultiplexer mux;

    GdbSide(RspMultiplexer mux) {
      this.mux = mux;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      mux.onGdbConnected(ctx.channel());
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (ctx.channel() != mux.gdb) {
        return;
      }
      if (msg instanceof RspPacket p) {
        mux.onGdbPacket(p.text());
      } else if (msg == RspControl.INTERRUPT) {
        mux.onGdbInterrupt();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      mux.onGdbDisconnected(ctx.channel());
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warning("gdb connection error: " + cause.getMessage());
      ctx.close();
    }
  }

  /** For callers that need a clear error when the upstream is gone. */
  public void requireOpen() {
    if (!conn.isOpen()) {
      throw new RspException("the connection to the gdb stub is closed");
    }
  }
}
