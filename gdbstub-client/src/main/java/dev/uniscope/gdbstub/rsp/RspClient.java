package dev.uniscope.gdbstub.rsp;

import dev.uniscope.gdbstub.rsp.wire.Hex;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A typed gdb-stub client tuned for QEMU 7.2: registers by name from target.xml, chunked and
 * pipelined memory access in either address space, breakpoints and watchpoints, resume, step and
 * interrupt with classified stop events, vCPUs as threads, and monitor commands. Every operation is
 * asynchronous and bounded by the request timeout (resume waits for as long as the target runs).
 * Futures complete on the I/O thread: do not block inside their callbacks.
 */
public final class RspClient implements AutoCloseable {

  private static final int MAX_THREADS = 4096;
  private static final int MAX_XML = 1 << 20;

  private final RspConnection conn;
  private final RspOptions options;
  private final Map<String, String> features;
  private final TargetDescription target;
  private final StopReply initialStop;
  private final boolean vCont;
  private final Set<Long> codeBreakpoints = ConcurrentHashMap.newKeySet();
  private final Object memoryLock = new Object();
  private CompletableFuture<?> memoryTail = CompletableFuture.completedFuture(null);

  private RspClient(
      RspConnection conn,
      RspOptions options,
      Map<String, String> features,
      TargetDescription target,
      StopReply initialStop,
      boolean vCont) {
    this.conn = conn;
    this.options = options;
    this.features = features;
    this.target = target;
    this.initialStop = initialStop;
    this.vCont = vCont;
  }

  public static RspClient connect(RspEndpoint endpoint) {
    return connect(endpoint, RspOptions.defaults());
  }

  /**
   * Connects and runs the handshake: {@code qSupported}, optionally {@code ?} (which on QEMU
   * removes all breakpoints, so it is only sent here), the target description (also needed before
   * QEMU accepts {@code p}/{@code P}), and {@code vCont?}. Blocking, bounded by the timeouts.
   */
  public static RspClient connect(RspEndpoint endpoint, RspOptions options) {
    RspConnection conn =
        RspConnection.connect(endpoint, options.connectTimeout(), options.maxPayload());
    try {
      Duration t = options.requestTimeout();
      String sup =
          await(
              conn.request(
                  "qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386;vContSupported+",
                  t,
                  Replies::checked),
              t);
      Map<String, String> features = parseFeatures(sup);
      StopReply stop = options.queryHaltReason() ? await(conn.haltReason(t), t) : null;
      TargetDescription td = null;
      if ("+".equals(features.get("qXfer:features:read"))) {
        td = TargetDescription.parse(readXfer(conn, "target.xml", t), n -> readXfer(conn, n, t));
      }
      boolean vc;
      try {
        String v = await(conn.request("vCont?", t, Replies::checked), t);
        vc = v.startsWith("vCont") && v.contains(";c") && v.contains(";s");
      } catch (RspException.Unsupported e) {
        vc = false;
      }
      return new RspClient(conn, options, features, td, stop, vc);
    } catch (RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  private static String readXfer(RspConnection conn, String annex, Duration t) {
    StringBuilder sb = new StringBuilder();
    while (true) {
      String r =
          await(
              conn.request(
                  "qXfer:features:read:" + annex + ":" + Integer.toHexString(sb.length()) + ",ffb",
                  t,
                  Replies::checked),
              t);
      char c = r.charAt(0);
      if (c != 'm' && c != 'l') {
        throw new RspException.Malformed("qXfer:features:read:" + annex, r, "expected m or l");
      }
      sb.append(r, 1, r.length());
      if (sb.length() > MAX_XML) {
        throw new RspException("target description '" + annex + "' exceeds " + MAX_XML + " bytes");
      }
      if (c == 'l' || r.length() == 1) {
        return sb.toString();
      }
    }
  }

  static Map<String, String> parseFeatures(String reply) {
    var m = new LinkedHashMap<String, String>();
    for (String f : reply.split(";")) {
      if (f.isEmpty()) {
        continue;
      }
      int eq = f.indexOf('=');
      if (eq >= 0) {
        m.put(f.substring(0, eq), f.substring(eq + 1));
      } else if (f.endsWith("+") || f.endsWith("-")) {
        m.put(f.substring(0, f.length() - 1), f.substring(f.length() - 1));
      } else {
        m.put(f, "");
      }
    }
    return Map.copyOf(m);
  }

  /** Waits for a future from a non-I/O thread, unwrapping RSP failures. */
  public static <T> T await(CompletableFuture<T> f, Duration timeout) {
    try {
      // The connection enforces the real timeout; this one only guards against a lost future.
      return f.get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RspException("interrupted", e);
    } catch (TimeoutException e) {
      throw new RspException.Timeout("no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new RspException(e.getCause().toString(), e.getCause());
    }
  }

  // ---- state ----

  public RspConnection connection() {
    return conn;
  }

  public RspOptions options() {
    return options;
  }

  public Map<String, String> features() {
    return features;
  }

  /** The register layout, or empty when the stub offers no target description. */
  public Optional<TargetDescription> targetDescription() {
    return Optional.ofNullable(target);
  }

  /** The reply to the handshake's {@code ?}, if it was sent. */
  public Optional<StopReply> initialStop() {
    return Optional.ofNullable(initialStop);
  }

  public boolean isRunning() {
    return conn.isRunning();
  }

  private TargetDescription layout() {
    if (target == null) {
      throw new RspException("the stub provided no target description; registers unknown");
    }
    return target;
  }

  private Duration timeout() {
    return options.requestTimeout();
  }

  /** A raw request, text reply (empty reply and {@code Exx} become exceptions). */
  public CompletableFuture<String> request(String packet) {
    return conn.request(packet, timeout(), Replies::checked);
  }

  // ---- threads (vCPUs) ----

  public CompletableFuture<List<ThreadId>> threads() {
    var out = new ArrayList<ThreadId>();
    return threadsFrom("qfThreadInfo", out);
  }

  private CompletableFuture<List<ThreadId>> threadsFrom(String cmd, List<ThreadId> out) {
    return request(cmd)
        .thenCompose(
            r -> {
              if (r.startsWith("l")) {
                return CompletableFuture.completedFuture(List.copyOf(out));
              }
              if (!r.startsWith("m")) {
                throw new RspException.Malformed(cmd, r, "expected m or l");
              }
              for (String id : r.substring(1).split(",")) {
                out.add(ThreadId.parse(id));
              }
              if (out.size() > MAX_THREADS) {
                throw new RspException("stub lists more than " + MAX_THREADS + " threads");
              }
              return threadsFrom("qsThreadInfo", out);
            });
  }

  /** QEMU's description of a vCPU, e.g. {@code CPU#0 [running]}. */
  public CompletableFuture<String> threadExtraInfo(ThreadId t) {
    return request("qThreadExtraInfo," + t.wire())
        .thenApply(r -> new String(Hex.decode(r), StandardCharsets.ISO_8859_1));
  }

  /** {@code Hg}: the vCPU used by register and virtual memory access. */
  public CompletableFuture<Void> selectThread(ThreadId t) {
    return conn.request("Hg" + t.wire(), timeout(), Replies::ok);
  }

  // ---- registers ----

  /**
   * Pipelines {@code Hg} and a request, enqueued in one I/O-thread task so no other caller's
   * request can slip between them; a failed {@code Hg} fails the result.
   */
  private <T> CompletableFuture<T> onThread(
      ThreadId thread, java.util.function.Supplier<CompletableFuture<T>> request) {
    var result = new CompletableFuture<T>();
    onLoop(
        () -> {
          CompletableFuture<Void> sel = selectThread(thread);
          sel.thenCombine(request.get(), (a, b) -> b)
              .whenComplete(
                  (v, e) -> {
                    if (e != null) {
                      result.completeExceptionally(asRuntime(e));
                    } else {
                      result.complete(v);
                    }
                  });
        });
    return result;
  }

  private void onLoop(Runnable r) {
    var loop = conn.eventLoop();
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  /** All registers of {@code thread} via {@code g}. */
  public CompletableFuture<RegisterValues> readRegisters(ThreadId thread) {
    TargetDescription td = layout();
    return onThread(thread, () -> conn.request("g", timeout(), Replies::hexBytes))
        .thenApply(raw -> new RegisterValues(td, thread, raw));
  }

  /** One register via {@code p}, by name. */
  public CompletableFuture<byte[]> readRegister(ThreadId thread, String name) {
    RegisterInfo r = layout().require(name);
    return onThread(
        thread,
        () -> conn.request("p" + Integer.toHexString(r.regnum()), timeout(), Replies::hexBytes));
  }

  public CompletableFuture<Long> readRegisterLong(ThreadId thread, String name) {
    return readRegister(thread, name).thenApply(RegisterValues::littleEndian);
  }

  /** Writes a register via {@code P}; {@code value} is zero-extended to the register's size. */
  public CompletableFuture<Void> writeRegister(ThreadId thread, String name, long value) {
    RegisterInfo r = layout().require(name);
    byte[] b = new byte[r.byteSize()];
    for (int i = 0; i < Math.min(8, b.length); i++) {
      b[i] = (byte) (value >>> (8 * i));
    }
    return onThread(
        thread,
        () ->
            conn.request(
                "P" + Integer.toHexString(r.regnum()) + "=" + Hex.encode(b),
                timeout(),
                Replies::ok));
  }

  // ---- memory ----

  public CompletableFuture<byte[]> readMemory(long address, int length) {
    return readMemory(AddressSpace.VIRTUAL, address, length);
  }

  public CompletableFuture<byte[]> readMemory(AddressSpace space, long address, int length) {
    byte[] dst = new byte[length];
    return readMemory(space, address, dst, 0, length).thenApply(v -> dst);
  }

  /**
   * Reads {@code length} bytes into {@code dst}, in chunks of the stub's limit with up to {@code
   * readWindow} requests in flight (QEMU answers in order). Memory operations are serialized with
   * each other because the address space mode is stub-global.
   */
  public CompletableFuture<Void> readMemory(
      AddressSpace space, long address, byte[] dst, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, dst.length);
    return exclusive(
        space, () -> new BulkRead(conn, options, timeout(), address, dst, offset, length).start());
  }

  /** Writes memory with {@code M} packets, chunked to fit QEMU's packet buffer. */
  public CompletableFuture<Void> writeMemory(AddressSpace space, long address, byte[] data) {
    return exclusive(
        space,
        () -> {
          CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
          var all = new ArrayList<CompletableFuture<Void>>();
          for (int off = 0; off < data.length; off += options.writeChunk()) {
            int n = Math.min(options.writeChunk(), data.length - off);
            last =
                conn.request(
                    "M"
                        + Long.toHexString(address + off)
                        + ","
                        + Integer.toHexString(n)
                        + ":"
                        + Hex.encode(data, off, n),
                    timeout(),
                    Replies::ok);
            all.add(last);
          }
          return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        });
  }

  private CompletableFuture<Void> exclusive(
      AddressSpace space, java.util.function.Supplier<CompletableFuture<Void>> op) {
    synchronized (memoryLock) {
      CompletableFuture<Void> result =
          memoryTail
              .handle((v, e) -> null)
              .thenCompose(
                  v -> {
                    if (space == AddressSpace.VIRTUAL) {
                      return op.get();
                    }
                    // Mode switch, the operation and the switch back are pipelined in order.
                    CompletableFuture<Void> on =
                        conn.request("Qqemu.PhyMemMode:1", timeout(), Replies::ok);
                    CompletableFuture<Void> body = on.thenCompose(x -> op.get());
                    return body.handle((x, e) -> e)
                        .thenCompose(
                            e ->
                                conn.request("Qqemu.PhyMemMode:0", timeout(), Replies::ok)
                                    .handle(
                                        (x, e2) -> {
                                          if (e != null) {
                                            throw asRuntime(e);
                                          }
                                          if (e2 != null) {
                                            throw asRuntime(e2);
                                          }
                                          return (Void) null;
                                        }));
                  });
      memoryTail = result;
      return result;
    }
  }

  static RuntimeException asRuntime(Throwable e) {
    Throwable c = e;
    while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof RuntimeException re ? re : new RspException(c.toString(), c);
  }

  /** A windowed, pipelined read into a byte array; runs entirely on the I/O thread. */
  private static final class BulkRead {
    private final RspConnection conn;
    private final Duration timeout;
    private final long address;
    private final byte[] dst;
    private final int offset;
    private final int length;
    private final int chunk;
    private final int window;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int issued;
    private int completed;
    private int inFlight;

    BulkRead(
        RspConnection conn,
        RspOptions o,
        Duration timeout,
        long address,
        byte[] dst,
        int offset,
        int length) {
      this.conn = conn;
      this.timeout = timeout;
      this.address = address;
      this.dst = dst;
      this.offset = offset;
      this.length = length;
      this.chunk = o.readChunk();
      this.window = o.readWindow();
    }

    /** Issues the first window on the I/O thread, which then owns all of this object's state. */
    CompletableFuture<Void> start() {
      if (length == 0) {
        done.complete(null);
      } else if (conn.eventLoop().inEventLoop()) {
        issue();
      } else {
        conn.eventLoop().execute(this::issue);
      }
      return done;
    }

    private void issue() {
      while (!done.isDone() && inFlight < window && issued < length) {
        int at = issued;
        int n = Math.min(chunk, length - at);
        issued += n;
        inFlight++;
        conn.request(
                "m" + Long.toHexString(address + at) + "," + Integer.toHexString(n),
                timeout,
                (cmd, buf) -> decode(cmd, buf, at, n))
            .whenComplete(
                (v, e) -> {
                  inFlight--;
                  if (e != null) {
                    done.completeExceptionally(e);
                  } else if ((completed += n) == length) {
                    done.complete(null);
                  } else {
                    issue();
                  }
                });
      }
    }

    private Void decode(String cmd, ByteBuf buf, int at, int n) {
      if (buf.readableBytes() != 2 * n) {
        String t = buf.toString(StandardCharsets.ISO_8859_1);
        Replies.checkError(cmd, t);
        throw new RspException.Malformed(
            cmd, t, "expected " + n + " bytes, got " + buf.readableBytes() / 2);
      }
      if (!Hex.decode(buf, dst, offset + at, n)) {
        throw new RspException.Malformed(cmd, "", "reply is not hex");
      }
      return null;
    }
  }

  // ---- breakpoints ----

  /** {@code Z<type>,addr,kind}; kind is 1 for x86 code breakpoints, the length for watchpoints. */
  public CompletableFuture<Void> insertBreakpoint(BreakpointType type, long address, int kind) {
    return conn.request(
            "Z" + type.code() + "," + Long.toHexString(address) + "," + Integer.toHexString(kind),
            timeout(),
            Replies::ok)
        .thenRun(
            () -> {
              if (!type.isWatchpoint()) {
                codeBreakpoints.add(address);
              }
            });
  }

  public CompletableFuture<Void> removeBreakpoint(BreakpointType type, long address, int kind) {
    return conn.request(
            "z" + type.code() + "," + Long.toHexString(address) + "," + Integer.toHexString(kind),
            timeout(),
            Replies::ok)
        .thenRun(
            () -> {
              if (!type.isWatchpoint()) {
                codeBreakpoints.remove(address);
              }
            });
  }

  // ---- execution ----

  /** Resumes all vCPUs; completes when the target stops, for whatever reason. */
  public CompletableFuture<StopEvent> resume() {
    return conn.resume(vCont ? "vCont;c" : "c", null).thenCompose(r -> classify(r, false));
  }

  /** Single-steps one vCPU (the others stay stopped). */
  public CompletableFuture<StopEvent> step(ThreadId thread) {
    CompletableFuture<StopReply> r;
    if (vCont) {
      r = conn.resume("vCont;s:" + thread.wire(), timeout());
    } else {
      conn.request("Hc" + thread.wire(), timeout(), Replies::ok);
      r = conn.resume("s", timeout());
    }
    return r.thenCompose(x -> classify(x, true));
  }

  /** Stops a running target (0x03); the pending {@link #resume()} completes with the stop. */
  public void interrupt() {
    conn.interrupt();
  }

  private CompletableFuture<StopEvent> classify(StopReply r, boolean stepping) {
    return switch (r) {
      case StopReply.Exited e ->
          CompletableFuture.completedFuture(new StopEvent.Exited(e.status(), r));
      case StopReply.Terminated t ->
          CompletableFuture.completedFuture(new StopEvent.Terminated(t.signal(), r));
      case StopReply.Signal s -> {
        ThreadId th = s.thread().orElse(ThreadId.ANY);
        if (s.signal() == StopReply.SIGINT && !stepping) {
          yield CompletableFuture.completedFuture(new StopEvent.Interrupted(th, r));
        }
        if (s.signal() != StopReply.SIGTRAP || target == null) {
          yield CompletableFuture.completedFuture(new StopEvent.Signalled(th, s.signal(), r));
        }
        yield readRegisters(th)
            .thenApply(RspClient::linearPc)
            .thenApply(
                pc -> {
                  if (s.watch().isPresent()) {
                    var w = s.watch().get();
                    return new StopEvent.WatchpointHit(th, w.type(), w.address(), pc, r);
                  }
                  if (stepping) {
                    return new StopEvent.StepCompleted(th, pc, r);
                  }
                  if (codeBreakpoints.contains(pc)) {
                    return new StopEvent.BreakpointHit(th, pc, r);
                  }
                  return new StopEvent.Signalled(th, s.signal(), r);
                });
      }
    };
  }

  /**
   * The PC as QEMU compares it with breakpoints: {@code rip}, plus the CS base in x86 real mode
   * (firmware), where {@code rip} alone is CS-relative.
   */
  static long linearPc(RegisterValues regs) {
    TargetDescription td = regs.layout();
    long pc = regs.get(td.pc().name());
    if (regs.has("cr0") && regs.has("cs") && (regs.get("cr0") & 1) == 0) {
      return ((regs.get("cs") & 0xffff) << 4) + (pc & 0xffff);
    }
    return pc;
  }

  // ---- monitor ----

  /** Runs a QEMU monitor (HMP) command through {@code qRcmd}; returns its console output. */
  public CompletableFuture<String> monitor(String command) {
    return monitor(command, timeout());
  }

  public CompletableFuture<String> monitor(String command, Duration timeout) {
    StringBuilder out = new StringBuilder();
    return conn.console(
        "qRcmd," + Hex.encode(command.getBytes(StandardCharsets.UTF_8)),
        timeout,
        o -> {
          if (out.length() < (1 << 20)) {
            try {
              out.append(new String(Hex.decode(o.substring(1)), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
              out.append("<malformed console output>");
            }
          }
        },
        (cmd, buf) -> {
          Replies.ok(cmd, buf);
          return out.toString();
        });
  }

  @Override
  public void close() {
    conn.close();
  }
}
