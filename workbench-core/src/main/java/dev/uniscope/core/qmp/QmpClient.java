package dev.uniscope.core.qmp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client for QEMU's machine protocol (QMP) over a Unix socket: capabilities negotiation, commands
 * with replies matched by id, and events delivered to listeners. Every call has a timeout; a dead
 * or misbehaving QEMU gives a {@link QmpException}, never a hang.
 *
 * <pre>{@code
 * try (QmpClient qmp = QmpClient.connect(socket, Duration.ofSeconds(30))) {
 *   qmp.onEvent(e -> System.out.println(e.name()));
 *   qmp.stop();
 *   qmp.dumpGuestMemory(Path.of("/tmp/vm.core"));
 * }
 * }</pre>
 */
public final class QmpClient implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final SocketChannel channel;
  private final OutputStream out;
  private final Duration timeout;
  private final JsonNode greeting;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private QmpClient(SocketChannel channel, Duration timeout) throws IOException, QmpException {
    this.channel = channel;
    this.timeout = timeout;
    this.out = Channels.newOutputStream(channel);
    QmpLineReader reader = new QmpLineReader(Channels.newInputStream(channel));
    CompletableFuture<JsonNode> hello = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("qmp-reader").start(() -> readLoop(reader, hello));
    this.greeting = await(hello, "the QMP greeting");
    if (!greeting.has("QMP")) {
      throw new QmpException("not a QMP greeting: " + abbreviate(greeting.toString()));
    }
    execute("qmp_capabilities", null);
  }

  /**
   * Connects to QMP at {@code socket} and negotiates capabilities. QEMU creates the socket file a
   * moment before it listens, so a refused connection is retried until the timeout.
   */
  public static QmpClient connect(Path socket, Duration timeout) throws QmpException {
    SocketChannel ch = null;
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          ch.connect(UnixDomainSocketAddress.of(socket));
          break;
        } catch (java.net.ConnectException e) {
          ch.close();
          if (System.nanoTime() > deadline || !java.nio.file.Files.exists(socket)) {
            throw e;
          }
          java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
      }
      return new QmpClient(ch, timeout);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new QmpException("cannot connect to QMP at " + socket + ": " + e.getMessage(), e);
    } catch (QmpException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /** QEMU's version as the greeting gave it, e.g. {@code 7.2.22}. */
  public String qemuVersion() {
    JsonNode q = greeting.path("QMP").path("version").path("qemu");
    return q.path("major").asInt() + "." + q.path("minor").asInt() + "." + q.path("micro").asInt();
  }

  /** Adds a listener for every event; it runs on the reader thread, so it must not block. */
  public void onEvent(Consumer<QmpEvent> listener) {
    listeners.add(listener);
  }

  /** Completes when the connection ends (QEMU quit, or {@link #close()}). */
  public CompletableFuture<Void> closedFuture() {
    return closed;
  }

  /**
   * Runs a command and returns its {@code return} member.
   *
   * @throws QmpException on an error reply (with QEMU's class and description), a timeout, or a
   *     lost connection
   */
  public JsonNode execute(String command, Map<String, ?> arguments) throws QmpException {
    String id = "u" + ids.incrementAndGet();
    ObjectNode req = JSON.createObjectNode();
    req.put("execute", command);
    if (arguments != null && !arguments.isEmpty()) {
      req.set("arguments", JSON.valueToTree(arguments));
    }
    req.put("id", id);
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    if (closed.isDone()) {
      // The reader has already failed everything pending; don't wait for a reply that can't come.
      pending.remove(id);
      throw new QmpException("cannot send '" + command + "': the QMP connection is closed");
    }
    try {
      byte[] line = (JSON.writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8);
      synchronized (out) {
        out.write(line);
        out.flush();
      }
    } catch (IOException e) {
      pending.remove(id);
      throw new QmpException("cannot send '" + command + "' to QMP: " + e.getMessage(), e);
    }
    JsonNode r = await(reply, "the reply to '" + command + "'");
    if (r.has("error")) {
      JsonNode err = r.get("error");
      throw new QmpException(
          "QMP '"
              + command
              + "' failed: "
              + err.path("class").asString("")
              + ": "
              + err.path("desc").asString(""));
    }
    return r.path("return");
  }

  /** {@code query-status}: {@code running}, {@code paused}, {@code guest-panicked}, ... */
  public String status() throws QmpException {
    return execute("query-status", null).path("status").asString("");
  }

  /** Pauses every vCPU. */
  public void stop() throws QmpException {
    execute("stop", null);
  }

  /** Resumes the vCPUs. */
  public void cont() throws QmpException {
    execute("cont", null);
  }

  /** Asks QEMU to exit. */
  public void quit() throws QmpException {
    execute("quit", null);
  }

  /** An HMP command through QMP, returning its text output (e.g. {@code info registers}). */
  public String humanMonitorCommand(String commandLine) throws QmpException {
    return execute("human-monitor-command", Map.of("command-line", commandLine)).asString("");
  }

  /**
   * Writes guest memory to an ELF core file ({@code dump-guest-memory}, synchronous, without paging
   * so the dump holds physical memory plus the vmcoreinfo note).
   */
  public void dumpGuestMemory(Path file) throws QmpException {
    execute(
        "dump-guest-memory",
        Map.of("paging", false, "protocol", "file:" + file.toAbsolutePath(), "format", "elf"));
  }

  /**
   * Waits for the next event named {@code name} that arrives after this call, up to the client's
   * timeout.
   */
  public QmpEvent awaitEvent(String name) throws QmpException {
    CompletableFuture<QmpEvent> f = new CompletableFuture<>();
    Consumer<QmpEvent> l =
        e -> {
          if (e.name().equals(name)) {
            f.complete(e);
          }
        };
    listeners.add(l);
    try {
      return await(f, "event " + name);
    } finally {
      listeners.remove(l);
    }
  }

  private void readLoop(QmpLineReader reader, CompletableFuture<JsonNode> hello) {
    Throwable failure = null;
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode msg;
        try {
          msg = JSON.readTree(line);
        } catch (JacksonException e) {
          throw new QmpException("QMP sent malformed JSON: " + abbreviate(line));
        }
        if (!hello.isDone()) {
          hello.complete(msg);
        } else if (msg.has("event")) {
          dispatch(msg);
        } else if (msg.has("id")) {
          CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asString(""));
          if (f != null) {
            f.complete(msg);
          }
        }
        // Replies without an id answer nothing we sent; ignore them.
      }
    } catch (IOException | QmpException | RuntimeException e) {
      failure = e;
    }
    String why =
        failure == null
            ? "QMP connection closed by QEMU"
            : "QMP connection failed: " + failure.getMessage();
    QmpException ex = new QmpException(why, failure);
    // Closed first: a caller whose command fails because of this sees the connection as closed.
    closed.complete(null);
    hello.completeExceptionally(ex);
    pending.values().forEach(f -> f.completeExceptionally(ex));
    pending.clear();
  }

  private void dispatch(JsonNode msg) {
    JsonNode ts = msg.path("timestamp");
    long micros = ts.path("seconds").asLong() * 1_000_000L + ts.path("microseconds").asLong();
    JsonNode data = msg.has("data") ? msg.get("data") : JSON.createObjectNode();
    QmpEvent e = new QmpEvent(msg.get("event").asString(""), data, micros);
    for (Consumer<QmpEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ignored) {
        // One faulty listener must not stop event delivery to the others.
      }
    }
  }

  private <T> T await(CompletableFuture<T> f, String what) throws QmpException {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new QmpException("timed out after " + timeout + " waiting for " + what);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof QmpException q ? q : new QmpException(c.getMessage(), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QmpException("interrupted waiting for " + what, e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Nothing more to do with a channel we are abandoning.
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }
}
