package dev.uniscope.cli.run;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.cli.report.ProgressBar;
import dev.uniscope.cli.report.Summary;
import dev.uniscope.core.report.CaptureData;
import dev.uniscope.core.report.EventCounts;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.core.session.Session;
import dev.uniscope.core.session.SessionConfig;
import dev.uniscope.core.session.SessionListener;
import dev.uniscope.core.session.SessionOutcome;
import dev.uniscope.core.session.SessionResult;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.TraceSession;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code run --out}: one capture session; COM1 on stdout, progress on stderr, and a one-screen
 * summary at the end. Ctrl-C stops the VM and still finishes the capture file.
 */
final class CaptureRun implements Callable<Integer> {
  private final SessionConfig config;
  private final PrintStream out;
  private final PrintStream err;

  CaptureRun(SessionConfig config, PrintStream out, PrintStream err) {
    this.config = config;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    if (config.capture().getParent() != null) {
      Files.createDirectories(config.capture().toAbsolutePath().getParent());
    }
    ProgressBar bar = ProgressBar.onStderr();
    SessionListener listener =
        new SessionListener() {
          @Override
          public void consoleLine(String line) {
            bar.clear();
            out.println(line);
            out.flush();
          }

          @Override
          public void hello(Hello h) {
            bar.clear();
            err.printf(
                "uniscope: data channel up: protocol %d.%d, %d CPU(s), build-id %s%n",
                h.major(), h.minor(), h.ncpu(), h.buildIdHex());
          }

          @Override
          public void progress(TraceSession.Snapshot s, long elapsed, long total) {
            bar.update(
                (double) elapsed / Math.max(1, total),
                String.format(
                    Locale.ROOT,
                    "%.1f s  %d events  %d lost",
                    elapsed / 1e9,
                    s.records(),
                    s.lostRecords()));
          }

          @Override
          public void note(String message) {
            bar.clear();
            err.println("uniscope: " + message);
          }
        };
    err.printf(
        "uniscope: booting %s with '%s' on %d vCPU(s), capturing to %s%n",
        config.kernel(), config.cmdline(), config.smp(), config.capture());
    CountDownLatch finished = new CountDownLatch(1);
    Thread[] hook = new Thread[1];
    try {
      SessionResult result;
      try (Session session = Session.launch(config, listener)) {
        // Ctrl-C: stop the VM and let the run finish the capture file, remove the session
        // directory and print the summary before the JVM exits.
        hook[0] =
            new Thread(
                () -> {
                  session.cancel();
                  try {
                    finished.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "uniscope-cancel");
        Runtime.getRuntime().addShutdownHook(hook[0]);
        result = session.await();
      } finally {
        bar.clear();
      }
      summary(result);
      return exitCode(result.outcome());
    } finally {
      finished.countDown();
      if (hook[0] != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook[0]);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
    }
  }

  private void summary(SessionResult r) throws Exception {
    err.println();
    try (CaptureData data = CaptureData.open(r.capture(), null)) {
      Summary.printHeader(
          err,
          r.capture() + " (" + Files.size(r.capture()) + " bytes)",
          RunRecord.read(config.runRecordFile()),
          data.layout(),
          r.hello().map(Hello::buildIdHex).orElse(null),
          EventCounts.of(data.session()));
    }
    if (r.problemCount() > 0) {
      err.println("problems  " + r.problemCount() + ", first: " + r.problems().getFirst());
    }
    if (r.outcome() instanceof SessionOutcome.Panicked p && p.dump() != null) {
      err.println("dump      " + p.dump());
    }
    if (r.outcome() instanceof SessionOutcome.GuestRebooted g) {
      err.println("reboot    " + rebooted(g) + "; the capture ends at the reset");
    }
    err.println("next      uniscope report " + r.capture() + " --html report/ --json report.json");
  }

  /** One line on a guest reboot, for the summary and for {@code run} without a capture. */
  static String rebooted(SessionOutcome.GuestRebooted g) {
    return g.requestedBy().isEmpty()
        ? "the guest reset the machine without announcing a reboot (a triple fault?)"
        : "the guest rebooted (requested by " + g.requestedBy() + ")";
  }

  static int exitCode(SessionOutcome o) {
    return switch (o) {
      case SessionOutcome.AppExited a -> a.status() == 0 ? ExitCodes.OK : ExitCodes.APP_FAILED;
      case SessionOutcome.DurationElapsed d -> ExitCodes.OK;
      case SessionOutcome.Panicked p -> ExitCodes.PANIC;
      case SessionOutcome.QemuDied q -> ExitCodes.PANIC;
      case SessionOutcome.GuestRebooted g -> ExitCodes.GUEST_REBOOTED;
      case SessionOutcome.TimedOut t -> ExitCodes.TIMEOUT;
      case SessionOutcome.Cancelled c -> ExitCodes.APP_FAILED;
    };
  }
}
