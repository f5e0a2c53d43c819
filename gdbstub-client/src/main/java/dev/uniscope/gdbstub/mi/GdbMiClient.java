package dev.uniscope.gdbstub.mi;

import dev.uniscope.gdbstub.mi.MiTypes.Breakpoint;
import dev.uniscope.gdbstub.mi.MiTypes.Frame;
import dev.uniscope.gdbstub.mi.MiTypes.Instruction;
import dev.uniscope.gdbstub.mi.MiTypes.SourceLine;
import dev.uniscope.gdbstub.mi.MiTypes.Stopped;
import dev.uniscope.gdbstub.mi.MiTypes.ThreadInfo;
import dev.uniscope.gdbstub.mi.MiTypes.Variable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Drives {@code gdb --interpreter=mi3 --nx}: commands carry a numeric token and return futures
 * completed by the matching {@code ^} record; async and stream records go to subscribers. One
 * reader thread owns gdb's stdout and never runs user code that could block it: futures complete on
 * a separate executor.
 */
public final class GdbMiClient implements AutoCloseable {

  /** Longest MI line we accept (a big memory read is long, but not unbounded). */
  static final int MAX_LINE = 64 << 20;

  private final Process process;
  private final OutputStream stdin;
  private final Duration timeout;
  private final AtomicLong tokens = new AtomicLong(1);
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final SubmissionPublisher<MiRecord> publisher;
  private final java.util.concurrent.ExecutorService callbacks;
  private final Thread reader;
  private volatile MiException dead;

  private record Pending(
      String command, CompletableFuture<MiRecord.Result> future, StringBuilder console) {}

  private record Waiter(Predicate<MiRecord> match, CompletableFuture<MiRecord> future) {}

  private GdbMiClient(Process process, Duration timeout) {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.timeout = timeout;
    this.callbacks =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> daemon(r, "gdb-mi-callbacks"));
    this.publisher = new SubmissionPublisher<>(callbacks, 4096);
    this.reader = daemon(this::readLoop, "gdb-mi-reader");
    daemon(this::drainStderr, "gdb-mi-stderr").start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts gdb ({@code gdbPath} plus extra arguments, never through a shell). */
  public static GdbMiClient start(Path gdbPath, List<String> extraArgs, Duration commandTimeout)
      throws IOException {
    var cmd =
        new ArrayList<String>(List.of(gdbPath.toString(), "--interpreter=mi3", "--nx", "--quiet"));
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd).start();
    GdbMiClient c = new GdbMiClient(p, commandTimeout);
    c.reader.start();
    try {
      // Fail fast if gdb cannot speak MI at all.
      c.run("-gdb-set confirm off");
      c.run("-gdb-set pagination off");
      // Without it gdb reads no commands while the target runs, so -exec-interrupt would hang.
      c.run("-gdb-set mi-async on");
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  public static GdbMiClient start() throws IOException {
    return start(Path.of("/usr/bin/gdb"), List.of(), Duration.ofSeconds(30));
  }

  // ---- records ----

  /** Every record gdb prints (async, stream, results), in order. */
  public Flow.Publisher<MiRecord> records() {
    return publisher;
  }

  /** Simple callback subscription to {@link #records()}. */
  public void subscribe(Consumer<MiRecord> consumer) {
    publisher.consume(consumer);
  }

  /** The next record matching {@code match}; register before triggering it. */
  public CompletableFuture<MiRecord> next(Predicate<MiRecord> match) {
    var w = new Waiter(match, new CompletableFuture<>());
    waiters.add(w);
    if (dead != null) {
      w.future.completeExceptionally(dead);
    }
    return w.future;
  }

  /** The next {@code *stopped}; call before resuming. */
  public CompletableFuture<Stopped> nextStop() {
    return next(r ->
            r instanceof MiRecord.Async a
                && a.kind() == MiRecord.AsyncKind.EXEC
                && a.asyncClass().equals("stopped"))
        .thenApply(r -> Stopped.of(((MiRecord.Async) r).results()));
  }

  private void readLoop() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          dispatch(MiParser.parse(line.toString()));
          line.setLength(0);
        } else if (line.length() < MAX_LINE) {
          line.append((char) c);
        }
      }
      if (!line.isEmpty()) {
        dispatch(MiParser.parse(line.toString()));
      }
    } catch (IOException e) {
      // gdb went away; handled below
    }
    die(new MiException("gdb exited" + exitInfo()));
  }

  private String exitInfo() {
    try {
      if (process.waitFor(2, TimeUnit.SECONDS)) {
        return " with status " + process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }

  private void dispatch(MiRecord r) {
    switch (r) {
      case MiRecord.Result res -> {
        Pending p = res.token() >= 0 ? pending.remove(res.token()) : null;
        if (p != null) {
          var f = p.future;
          if (res.resultClass() == MiRecord.ResultClass.ERROR) {
            String msg = res.results().string("msg").orElse("unknown error");
            post(
                () ->
                    f.completeExceptionally(
                        new MiException("gdb: " + msg + " (command: " + p.command + ")")));
          } else {
            var withConsole =
                p.console.isEmpty()
                    ? res
                    : new MiRecord.Result(
                        res.token(),
                        res.resultClass(),
                        new MiValue.Tuple(
                            concat(
                                res.results().results(),
                                new MiValue.MiResult(
                                    "console-output", new MiValue.Str(p.console.toString())))));
            post(() -> f.complete(withConsole));
          }
        }
      }
      case MiRecord.Stream s -> {
        // Stream output belongs to the oldest command still waiting for its result.
        pending.entrySet().stream()
            .min(Map.Entry.comparingByKey())
            .ifPresent(
                e -> {
                  StringBuilder sb = e.getValue().console;
                  if (sb.length() < (4 << 20) && s.kind() != MiRecord.StreamKind.LOG) {
                    sb.append(s.text());
                  }
                });
      }
      default -> {}
    }
    for (Waiter w : waiters) {
      if (w.match.test(r)) {
        waiters.remove(w);
        post(() -> w.future.complete(r));
      }
    }
    if (!(r instanceof MiRecord.Prompt)) {
      try {
        publisher.offer(r, (sub, rec) -> false);
      } catch (IllegalStateException | java.util.concurrent.RejectedExecutionException e) {
        // closed
      }
    }
  }

  /** Runs user-visible completions off the reader thread; dropped once the client is closed. */
  private void post(Runnable r) {
    try {
      callbacks.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: nobody is waiting any more
    }
  }

  private static List<MiValue.MiResult> concat(List<MiValue.MiResult> a, MiValue.MiResult b) {
    var l = new ArrayList<>(a);
    l.add(b);
    return l;
  }

  private void die(MiException e) {
    dead = e;
    for (var key : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(key);
      if (p != null) {
        post(() -> p.future.completeExceptionally(e));
      }
    }
    for (Waiter w : waiters) {
      post(() -> w.future.completeExceptionally(e));
    }
    waiters.clear();
    publisher.close();
  }

  // ---- commands ----

  /** Sends one MI command; the future fails on {@code ^error}, timeout, or gdb's death. */
  public CompletableFuture<MiRecord.Result> command(String mi) {
    return command(mi, timeout);
  }

  public CompletableFuture<MiRecord.Result> command(String mi, Duration t) {
    if (mi.indexOf('\n') >= 0 || mi.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("MI command must be one line");
    }
    long token = tokens.getAndIncrement();
    var p = new Pending(mi, new CompletableFuture<>(), new StringBuilder());
    if (dead != null) {
      p.future.completeExceptionally(dead);
      return p.future;
    }
    pending.put(token, p);
    try {
      synchronized (stdin) {
        stdin.write((token + mi + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      }
    } catch (IOException e) {
      pending.remove(token);
      p.future.completeExceptionally(new MiException("cannot write to gdb: " + e.getMessage(), e));
      return p.future;
    }
    return p.future
        .orTimeout(t.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e -> {
              pending.remove(token);
              if (e instanceof TimeoutException) {
                return CompletableFuture.failedFuture(
                    new MiException(
                        "gdb did not answer '" + mi + "' within " + t.toMillis() + " ms"));
              }
              return CompletableFuture.failedFuture(e);
            });
  }

  /** Blocking form of {@link #command(String)} with unwrapped errors. */
  public MiValue.Tuple run(String mi) {
    return await(command(mi)).results();
  }

  private <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MiException("interrupted", e);
    } catch (TimeoutException e) {
      throw new MiException("gdb did not answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MiException m) {
        throw m;
      }
      throw new MiException(String.valueOf(e.getCause()), e.getCause());
    }
  }

  /** Quotes a string as an MI c-string argument. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"', '\\' -> sb.append('\\').append(c);
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  // ---- typed operations ----

  /** Runs a CLI command; returns its console output. */
  public String console(String cli) {
    return run("-interpreter-exec console " + quote(cli)).string("console-output").orElse("");
  }

  /** {@code -target-select remote TARGET} ({@code host:port} or a Unix socket path). */
  public void targetSelectRemote(String target) {
    // gdb passes this argument on verbatim (quotes included), so it is checked instead.
    if (!target.matches("[A-Za-z0-9/._:+\\[\\]-]+")) {
      throw new IllegalArgumentException("unsuitable remote target: " + target);
    }
    var r = await(command("-target-select remote " + target));
    if (r.resultClass() != MiRecord.ResultClass.CONNECTED
        && r.resultClass() != MiRecord.ResultClass.DONE) {
      throw new MiException("unexpected reply to -target-select: " + r);
    }
  }

  /** Loads the kernel's symbols shifted by the KASLR slide ({@code symbol-file -o}). */
  public void loadSymbols(Path elf, long slide) {
    console("symbol-file -o " + hex(slide) + " " + cliPath(elf));
  }

  /** Adds symbols of another object at an offset ({@code add-symbol-file -o}). */
  public void addSymbols(Path elf, long offset) {
    console("add-symbol-file -o " + hex(offset) + " " + cliPath(elf));
  }

  private static String cliPath(Path p) {
    String s = p.toAbsolutePath().toString();
    if (!s.matches("[A-Za-z0-9/._+-]+")) {
      throw new IllegalArgumentException("path unsuitable for a gdb command line: " + s);
    }
    return s;
  }

  /** {@code -break-insert [-h] [-t] LOCATION}. */
  public Breakpoint breakInsert(String location, boolean hardware, boolean temporary) {
    String opts = (hardware ? "-h " : "") + (temporary ? "-t " : "");
    return Breakpoint.of(run("-break-insert " + opts + quote(location)).tuple("bkpt"));
  }

  public enum WatchKind {
    WRITE,
    READ,
    ACCESS
  }

  /** {@code -break-watch}; returns the watchpoint number. */
  public int breakWatch(String expression, WatchKind kind) {
    String flag =
        switch (kind) {
          case WRITE -> "";
          case READ -> "-r ";
          case ACCESS -> "-a ";
        };
    MiValue.Tuple t = run("-break-watch " + flag + quote(expression));
    for (String key : List.of("wpt", "hw-rwpt", "hw-awpt")) {
      var w = t.tuple(key);
      if (w.string("number").isPresent()) {
        return Integer.parseInt(w.require("number"));
      }
    }
    throw new MiException("unexpected reply to -break-watch: " + t);
  }

  public void breakDelete(int number) {
    run("-break-delete " + number);
  }

  public List<Breakpoint> breakList() {
    return run("-break-list").tuple("BreakpointTable").list("body").stream()
        .filter(MiValue.Tuple.class::isInstance)
        .map(v -> Breakpoint.of((MiValue.Tuple) v))
        .toList();
  }

  /** Resume/step commands answer {@code ^running}; the stop arrives later as {@code *stopped}. */
  public void execContinue() {
    run("-exec-continue");
  }

  public void execInterrupt() {
    run("-exec-interrupt");
  }

  public void execStep() {
    run("-exec-step");
  }

  public void execNext() {
    run("-exec-next");
  }

  public void execStepInstruction() {
    run("-exec-step-instruction");
  }

  public void execFinish() {
    run("-exec-finish");
  }

  /** Convenience: run {@code mi} and wait for the resulting stop. */
  public Stopped runUntilStop(String mi, Duration wait) {
    var stop = nextStop();
    run(mi);
    try {
      return stop.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new MiException("no *stopped after " + mi + " within " + wait.toMillis() + " ms", e);
    }
  }

  public List<ThreadInfo> threads() {
    return run("-thread-info").list("threads").stream()
        .filter(MiValue.Tuple.class::isInstance)
        .map(v -> ThreadInfo.of((MiValue.Tuple) v))
        .toList();
  }

  public void selectThread(String id) {
    run("-thread-select " + id);
  }

  public List<Frame> frames() {
    return run("-stack-list-frames").list("stack").stream()
        .filter(MiValue.Tuple.class::isInstance)
        .map(v -> Frame.of((MiValue.Tuple) v))
        .toList();
  }

  /** Frames with their arguments (simple values). */
  public List<Frame> framesWithArguments() {
    List<Frame> frames = frames();
    var args = run("-stack-list-arguments --simple-values").list("stack-args");
    var out = new ArrayList<Frame>();
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      List<Variable> a = List.of();
      if (i < args.size() && args.get(i) instanceof MiValue.Tuple t) {
        a =
            t.list("args").stream()
                .filter(MiValue.Tuple.class::isInstance)
                .map(v -> Variable.of((MiValue.Tuple) v))
                .toList();
      }
      out.add(new Frame(f.level(), f.address(), f.function(), f.file(), f.line(), a, f.raw()));
    }
    return out;
  }

  /** Locals and arguments of frame {@code level} of the current thread. */
  public List<Variable> variables(int level) {
    run("-stack-select-frame " + level);
    return listVariables("-stack-list-variables --simple-values");
  }

  /** Locals and arguments of frame {@code level} of thread {@code threadId}. */
  public List<Variable> variables(String threadId, int level) {
    return listVariables(
        "-stack-list-variables --thread " + threadId + " --frame " + level + " --simple-values");
  }

  private List<Variable> listVariables(String mi) {
    return run(mi).list("variables").stream()
        .filter(MiValue.Tuple.class::isInstance)
        .map(v -> Variable.of((MiValue.Tuple) v))
        .toList();
  }

  public String evaluate(String expression) {
    return run("-data-evaluate-expression " + quote(expression)).require("value");
  }

  /** Reads memory; gdb may split the range into blocks, which are merged by offset. */
  public byte[] readMemory(long address, int length) {
    byte[] out = new byte[length];
    var blocks = run("-data-read-memory-bytes " + hex(address) + " " + length).list("memory");
    int covered = 0;
    for (MiValue v : blocks) {
      if (!(v instanceof MiValue.Tuple t)) {
        continue;
      }
      long begin = MiTypes.parseAddress(t.require("begin"));
      byte[] data = HexFormat.of().parseHex(t.require("contents"));
      long at = begin - address;
      if (at < 0 || at + data.length > length) {
        throw new MiException("gdb returned memory outside the requested range");
      }
      System.arraycopy(data, 0, out, (int) at, data.length);
      covered += data.length;
    }
    if (covered != length) {
      throw new MiException(
          "gdb could read only " + covered + " of " + length + " bytes at " + hex(address));
    }
    return out;
  }

  /** Register values by name, in gdb's natural format ({@code x} = hex). */
  public Map<String, String> registers(List<String> names, String format) {
    List<MiValue> all = run("-data-list-register-names").list("register-names");
    var numberOf = new LinkedHashMap<String, Integer>();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) instanceof MiValue.Str s && !s.value().isEmpty()) {
        numberOf.putIfAbsent(s.value(), i);
      }
    }
    var nums = new StringBuilder();
    var nameOf = new java.util.HashMap<String, String>();
    for (String n : names) {
      Integer num = numberOf.get(n);
      if (num == null) {
        throw new MiException("gdb knows no register '" + n + "'");
      }
      nums.append(' ').append(num);
      nameOf.put(num.toString(), n);
    }
    var out = new LinkedHashMap<String, String>();
    for (MiValue v :
        run("-data-list-register-values --skip-unavailable " + format + nums)
            .list("register-values")) {
      if (v instanceof MiValue.Tuple t) {
        out.put(nameOf.get(t.require("number")), t.require("value"));
      }
    }
    return out;
  }

  /** Disassembles {@code [start, end)}. */
  public List<Instruction> disassemble(long start, long end) {
    return run("-data-disassemble -s " + hex(start) + " -e " + hex(end) + " -- 2")
        .list("asm_insns")
        .stream()
        .filter(MiValue.Tuple.class::isInstance)
        .map(v -> Instruction.of((MiValue.Tuple) v))
        .toList();
  }

  /** The line table of a source file ({@code -symbol-list-lines}). */
  public List<SourceLine> sourceLines(String file) {
    return run("-symbol-list-lines " + quote(file)).list("lines").stream()
        .filter(MiValue.Tuple.class::isInstance)
        .map(v -> (MiValue.Tuple) v)
        .map(
            t ->
                new SourceLine(
                    MiTypes.parseAddress(t.require("pc")), Integer.parseInt(t.require("line"))))
        .toList();
  }

  /** A QEMU monitor command through gdb ({@code monitor CMD}); the {@code @} output. */
  public String monitor(String command) {
    return console("monitor " + command);
  }

  public Process process() {
    return process;
  }

  /** Asks gdb to exit, then kills it if it does not. */
  @Override
  public void close() {
    try {
      if (dead == null) {
        command("-gdb-exit", Duration.ofSeconds(5));
      }
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.destroyForcibly();
      publisher.close();
      callbacks.shutdown();
    }
  }

  private void drainStderr() {
    try (InputStream err = process.getErrorStream()) {
      err.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // gdb is gone
    }
  }
}
