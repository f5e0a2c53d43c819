package dev.uniscope.cli.run;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.cli.report.ProgressBar;
import dev.uniscope.core.session.DataChannel;
import dev.uniscope.core.session.LiveModels;
import dev.uniscope.core.session.SessionListener;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.transport.TraceEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uniscope attach}: records a kernel that is already running (QEMU started elsewhere). With
 * {@code --serial}, its COM2 data channel until {@code --duration} elapses, the kernel goes away,
 * or Ctrl-C; the kernel is asked to repeat its hello (INFO) so the capture is complete. With {@code
 * --gdb}, the rings read out of guest memory through QEMU's gdb stub ({@link GdbAttach}).
 */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = "Capture the data channel of a running kernel.")
public final class AttachCommand implements Callable<Integer> {
  @Option(
      names = "--serial",
      paramLabel = "ADDR",
      description = "The COM2 data channel chardev: unix:PATH, a socket path, or 127.0.0.1:PORT.")
  String serial;

  @Option(names = "--kernel", paramLabel = "ELF", description = "Kernel ELF (recorded for report).")
  Path kernel;

  @Option(
      names = "--gdb",
      paramLabel = "ADDR",
      description =
          "QEMU's gdb stub (unix:PATH, a socket path, or 127.0.0.1:PORT): read the rings out of"
              + " guest memory, no data channel needed.")
  String gdb;

  @Option(
      names = "--once",
      description = "With --gdb: extract once (the default without --duration) and detach.")
  boolean once;

  @Option(
      names = "--pmemsave",
      description =
          "With --gdb, QEMU on this host: bulk ring reads through the monitor's pmemsave into a"
              + " private directory (faster than RSP packets).")
  boolean pmemsave;

  @Option(
      names = "--interval",
      paramLabel = "D",
      description = "With --gdb --duration: time between extractions (default 1s).",
      converter = DurationConverter.class)
  Duration interval;

  @Option(names = "--vsock", paramLabel = "ADDR", description = "Not supported yet by attach.")
  String vsock;

  @Option(
      names = "--duration",
      paramLabel = "D",
      description = "Stop after this long (default: until the kernel hangs up).",
      converter = DurationConverter.class)
  Duration duration;

  @Option(names = "--leak-scan", description = "Ask for a leak scan before detaching.")
  boolean leakScan;

  @Option(names = "--out", required = true, paramLabel = "CAPTURE", description = "Capture file.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (vsock != null) {
      throw new IllegalArgumentException("attach --vsock is not supported yet");
    }
    if ((serial == null) == (gdb == null)) {
      throw new IllegalArgumentException("give exactly one of --serial ADDR and --gdb ADDR");
    }
    if (kernel != null && !Files.isRegularFile(kernel)) {
      throw new IllegalArgumentException("no such kernel ELF: " + kernel);
    }
    if (gdb != null) {
      if (once && duration != null) {
        throw new IllegalArgumentException("--once and --duration exclude each other");
      }
      if (leakScan) {
        throw new IllegalArgumentException("--leak-scan needs the data channel (--serial)");
      }
      Duration every = interval == null ? Duration.ofSeconds(1) : interval;
      if (every.isZero() || every.isNegative()) {
        throw new IllegalArgumentException("--interval must be positive");
      }
      return new GdbAttach(gdb, out, kernel, duration, every, pmemsave, System.err).call();
    }
    if (once || interval != null || pmemsave) {
      throw new IllegalArgumentException("--once, --interval and --pmemsave go with --gdb");
    }
    TraceEndpoint endpoint = endpoint(serial);
    ProgressBar bar = ProgressBar.onStderr();
    SessionListener listener =
        new SessionListener() {
          @Override
          public void hello(Hello h) {
            bar.clear();
            System.err.printf(
                "uniscope: attached: protocol %d.%d, %d CPU(s), build-id %s%n",
                h.major(), h.minor(), h.ncpu(), h.buildIdHex());
          }

          @Override
          public void note(String message) {
            bar.clear();
            System.err.println("uniscope: " + message);
          }
        };
    long start = System.nanoTime();
    long total = duration == null ? 0 : duration.toNanos();
    String outcome;
    DataChannel.Finished finished;
    try (DataChannel ch =
        DataChannel.connect(endpoint, out, new LiveModels(), listener, 30_000, true)) {
      CancelHook hook = CancelHook.install("uniscope-detach");
      try {
        while (true) {
          var stats = ch.pump();
          long elapsed = System.nanoTime() - start;
          bar.update(
              total == 0 ? 0 : (double) elapsed / total,
              String.format(Locale.ROOT, "%.1f s  %d events", elapsed / 1e9, stats.records()));
          if (ch.closedFuture().isDone()) {
            outcome = "detached";
            break;
          }
          if (hook.cancelled() || (total > 0 && elapsed >= total)) {
            ch.drain(leakScan);
            outcome = "stopped";
            break;
          }
          try {
            ch.closedFuture().get(200, TimeUnit.MILLISECONDS);
          } catch (TimeoutException | ExecutionException e) {
            // still connected
          }
        }
        finished = ch.finish(0);
      } finally {
        hook.close();
        bar.clear();
      }
    }
    long elapsed = System.nanoTime() - start;
    new AttachRecord(
            out,
            kernel,
            finished.hello().map(Hello::cmdline).orElse(""),
            finished.hello().map(Hello::ncpu).orElse(0),
            outcome,
            elapsed)
        .writeAndSummarize(System.err, null, data -> finished.hello());
    return finished.hello().isPresent() ? ExitCodes.OK : ExitCodes.APP_FAILED;
  }

  /** {@code unix:PATH}, a path, or {@code HOST:PORT} on loopback. */
  static TraceEndpoint endpoint(String addr) {
    return switch (AttachAddress.parse(addr)) {
      case AttachAddress.Unix u -> new TraceEndpoint.Unix(u.path());
      case AttachAddress.Tcp t -> new TraceEndpoint.Tcp(t.host(), t.port());
    };
  }
}
