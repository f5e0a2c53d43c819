package dev.uniscope.cli.run;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.cli.report.ProgressBar;
import dev.uniscope.cli.report.Summary;
import dev.uniscope.core.report.CaptureData;
import dev.uniscope.core.report.EventCounts;
import dev.uniscope.core.session.DataChannel;
import dev.uniscope.core.session.LiveModels;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.core.session.SessionListener;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.transport.TraceEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean cancelled = new AtomicBoolean();
    try (DataChannel ch =
        DataChannel.connect(endpoint, out, new LiveModels(), listener, 30_000, true)) {
      Thread hook =
          new Thread(
              () -> {
                cancelled.set(true);
                try {
                  done.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "uniscope-detach");
      Runtime.getRuntime().addShutdownHook(hook);
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
          if (cancelled.get() || (total > 0 && elapsed >= total)) {
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
        done.countDown();
        bar.clear();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down
        }
      }
    }
    long elapsed = System.nanoTime() - start;
    String cmdline = finished.hello().map(Hello::cmdline).orElse("");
    String app = "";
    for (String w : cmdline.split(" ")) {
      if (w.startsWith("app=")) {
        app = w.substring(4);
      }
    }
    new RunRecord(
            app,
            kernel == null ? "" : kernel.toAbsolutePath().toString(),
            cmdline,
            finished.hello().map(Hello::ncpu).orElse(0),
            outcome,
            -1,
            "",
            "",
            elapsed,
            List.of())
        .write(RunRecord.fileFor(out));
    System.err.println();
    try (CaptureData data = CaptureData.open(out, null)) {
      Summary.printHeader(
          System.err,
          out + " (" + Files.size(out) + " bytes)",
          RunRecord.read(RunRecord.fileFor(out)),
          data.layout(),
          finished.hello().map(Hello::buildIdHex).orElse(null),
          EventCounts.of(data.session()));
    }
    return finished.hello().isPresent() ? ExitCodes.OK : ExitCodes.APP_FAILED;
  }

  /** {@code unix:PATH}, a path, or {@code HOST:PORT} on loopback. */
  static TraceEndpoint endpoint(String addr) {
    if (addr.startsWith("unix:")) {
      return new TraceEndpoint.Unix(Path.of(addr.substring(5)));
    }
    int colon = addr.lastIndexOf(':');
    if (colon > 0 && !addr.contains("/")) {
      String host = addr.substring(0, colon);
      int port;
      try {
        port = Integer.parseInt(addr.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + addr + "' is not HOST:PORT");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is outside 1..65535");
      }
      return new TraceEndpoint.Tcp(host, port);
    }
    return new TraceEndpoint.Unix(Path.of(addr));
  }
}
