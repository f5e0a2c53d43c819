package dev.uniscope.cli.run;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.core.extract.RingDirectory;
import dev.uniscope.core.extract.RingExtraction;
import dev.uniscope.core.memory.KernelLayout;
import dev.uniscope.core.memory.LiveMemory;
import dev.uniscope.core.memory.MemoryAccessException;
import dev.uniscope.core.report.CaptureData;
import dev.uniscope.core.symbols.Symbolizer;
import dev.uniscope.gdbstub.rsp.MonitorDump;
import dev.uniscope.gdbstub.rsp.RspClient;
import dev.uniscope.gdbstub.rsp.RspEndpoint;
import dev.uniscope.gdbstub.rsp.RspOptions;
import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.session.ProblemLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code attach --gdb}: a capture with no data channel at all, read out of guest memory through
 * QEMU's gdb stub. Connecting stops the VM; each pass reads the rings' new pages and the VM is
 * resumed; the last pass also takes every CPU's current page. The VM is left running.
 *
 * @param address {@code --gdb}: unix:PATH, a socket path, or HOST:PORT
 * @param kernel {@code --kernel}, or null
 * @param duration null for a single extraction ({@code --once})
 * @param interval the time between extractions (with a duration)
 */
record GdbAttach(
    String address,
    Path out,
    Path kernel,
    Duration duration,
    Duration interval,
    boolean pmemsave,
    PrintStream err) {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  int call() throws Exception {
    RspEndpoint endpoint = endpoint(address);
    if (pmemsave && !endpoint.isLocal()) {
      throw new IllegalArgumentException(
          "--pmemsave needs QEMU on this host (a Unix socket or a loopback address)");
    }
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    long start = System.nanoTime();
    CancelHook hook = CancelHook.install("uniscope-detach");
    String outcome;
    String cmdline = "";
    int ncpu = 0;
    long pages = 0;
    long bytes = 0;
    long stoppedNanos = 0;
    int passes = 0;
    ProblemLog problems = new ProblemLog();
    try (RspClient rsp =
            RspClient.connect(endpoint, RspOptions.defaults().withRequestTimeout(REQUEST_TIMEOUT));
        LiveCapture capture =
            LiveCapture.create(out, CaptureFormat.SOURCE_GUEST_MEMORY, problems)) {
      // Connecting stopped the VM; it runs again whatever happens below.
      long t0 = System.nanoTime();
      LiveMemory live = LiveMemory.attach(rsp);
      Path dumps = null;
      try {
        if (pmemsave) {
          // QEMU writes the ring bytes into files here; they are deleted once mapped.
          dumps = MonitorDump.privateDirectory();
          live.enableMonitorDumps(dumps);
        }
        KernelLayout layout = KernelLayout.find(live);
        cmdline = commandLine(live, layout);
        RingExtraction ex = RingExtraction.start(live, layout, capture, cmdline);
        RingDirectory dir = ex.directory();
        ncpu = dir.ncpu();
        err.printf(
            "uniscope: attached to the gdb stub at %s: build-id %s, %d ring(s) of %d x %d B,"
                + " %s mode, directory at 0x%x (%s)%n",
            endpoint,
            layout.buildId().hex(),
            dir.ncpu(),
            dir.pagesPerCpu(),
            dir.pageSize(),
            dir.mode() == 1 ? "flight-recorder" : "streaming",
            dir.address(),
            dir.found() == RingDirectory.Found.LAYOUT_REGION ? "layout block region 11" : "scan");
        boolean once = duration == null;
        RingExtraction.Pass p = ex.pass(once);
        passes++;
        pages += p.pages();
        bytes += p.pageBytes();
        stoppedNanos += System.nanoTime() - t0;
        live.resume();
        outcome = "detached";
        if (!once) {
          outcome = "stopped";
          long end = start + duration.toNanos();
          boolean last = false;
          while (!last) {
            long now = System.nanoTime();
            if (!hook.cancelled() && now < end) {
              // The interval is the extraction period, not a synchronization wait.
              Thread.sleep(Math.max(1, Math.min(interval.toMillis(), (end - now) / 1_000_000)));
            }
            last = hook.cancelled() || System.nanoTime() >= end;
            long s0 = System.nanoTime();
            try {
              live.stop();
              p = ex.pass(last);
              live.resume();
            } catch (MemoryAccessException | IllegalStateException e) {
              err.println("uniscope: the VM went away: " + e.getMessage());
              outcome = "detached";
              break;
            }
            stoppedNanos += System.nanoTime() - s0;
            passes++;
            pages += p.pages();
            bytes += p.pageBytes();
          }
        }
      } catch (Exception e) {
        resumeQuietly(live);
        throw e;
      } finally {
        if (dumps != null) {
          try {
            Files.deleteIfExists(dumps);
          } catch (IOException e) {
            err.println("uniscope: could not remove " + dumps + ": " + e.getMessage());
          }
        }
      }
    } finally {
      hook.close();
    }
    long elapsed = System.nanoTime() - start;
    err.printf(
        Locale.ROOT,
        "uniscope: extracted %d page(s), %.2f MB in %d pass(es); VM stopped %.1f ms in total%n",
        pages,
        bytes / 1e6,
        passes,
        stoppedNanos / 1e6);
    new AttachRecord(out, kernel, cmdline, ncpu, outcome, elapsed)
        .writeAndSummarize(err, kernel, CaptureData::hello);
    if (problems.total() > 0) {
      err.println("problems  " + problems.total() + ", first: " + problems.first().getFirst());
    }
    return ExitCodes.OK;
  }

  private static void resumeQuietly(LiveMemory live) {
    try {
      live.resume();
    } catch (MemoryAccessException | RuntimeException e) {
      // the stub is gone; nothing left to resume
    }
  }

  /** The command line through the ELF's {@code kernel_cmdline}, when {@code --kernel} is given. */
  private String commandLine(LiveMemory live, KernelLayout layout) {
    if (kernel == null) {
      return "";
    }
    try {
      Symbolizer symbols = Symbolizer.load(kernel);
      if (!layout.block().matches(symbols)) {
        err.println("uniscope: " + kernel + " is not the kernel running (build-id differs)");
        return "";
      }
      return symbols
          .resolve("kernel_cmdline", layout.slide())
          .map(
              s -> {
                try {
                  return RingExtraction.commandLine(live, s.runtimeAddress());
                } catch (MemoryAccessException e) {
                  return "";
                }
              })
          .orElse("");
    } catch (IOException | RuntimeException e) {
      err.println("uniscope: no command line from " + kernel + ": " + e.getMessage());
      return "";
    }
  }

  /** {@code unix:PATH}, a socket path, or {@code HOST:PORT}. */
  static RspEndpoint endpoint(String addr) {
    return switch (AttachAddress.parse(addr)) {
      case AttachAddress.Unix u -> new RspEndpoint.Unix(u.path());
      case AttachAddress.Tcp t -> new RspEndpoint.Tcp(t.host(), t.port());
    };
  }
}
