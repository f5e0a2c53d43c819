package dev.uniscope.cli.run;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.core.launch.KernelImage;
import dev.uniscope.core.launch.QemuCommand;
import dev.uniscope.core.launch.QemuProcess;
import dev.uniscope.core.session.BootOptions;
import dev.uniscope.core.session.ConsoleLog;
import dev.uniscope.core.session.SessionConfig;
import dev.uniscope.core.session.SessionOutcome;
import dev.uniscope.core.session.VmEnd;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uniscope run}: boots the kernel with one app under QEMU (TCG), shows its console, and
 * exits with the app's status. With {@code --out} it captures the data channel into a capture file
 * ({@link CaptureRun}).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Boot the kernel with an app under QEMU, show its console, optionally capture.")
public final class RunCommand implements Callable<Integer> {

  @Option(names = "--app", description = "Built-in app to run (default: kvstore).")
  String app;

  @Option(
      names = "--app-source",
      paramLabel = "FILE.c",
      description = "Build the kernel with this app (docs/app-api.md) and run it.")
  Path appSource;

  @Option(
      names = "--smp",
      defaultValue = "2",
      description = "vCPUs, 1..8 (default: ${DEFAULT-VALUE}).")
  int smp;

  @Option(
      names = "--duration",
      description = "Stop the VM after this long, e.g. 10s, 2m (default: run until the app exits).",
      converter = DurationConverter.class)
  Duration duration;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description =
          "Give up on a VM that neither exits nor panics within this (default: ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration timeout;

  @Option(names = "--kernel", description = "Kernel image (default: the shipped one).")
  Path kernel;

  @Option(
      names = "--append",
      defaultValue = "",
      description = "Extra kernel command-line options, e.g. 'nokaslr kaslr_seed=7'.")
  String append;

  @Option(
      names = "--trace",
      paramLabel = "GROUPS",
      description = "Trace groups, e.g. sched,irq,alloc (docs/protocol.md 7.1).")
  String trace;

  @Option(names = "--profile", paramLabel = "HZ", description = "Sampling profiler rate, 1..10000.")
  Integer profile;

  @Option(names = "--heap", description = "Heap tracking with allocation stacks and leak scans.")
  boolean heap;

  @Option(
      names = "--no-end-scan",
      description =
          "With --heap: no leak scan when the app's main returns (the kernel's leakscan=end).")
  boolean noEndScan;

  @Option(
      names = "--transport",
      defaultValue = "serial",
      paramLabel = "serial|vsock",
      description = "Data channel carrier (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(names = "--out", paramLabel = "CAPTURE", description = "Write a capture file.")
  Path out;

  @Option(names = "--gdb", description = "With --out: also open a gdb stub socket.")
  boolean gdb;

  @Override
  public Integer call() throws Exception {
    if (app != null && appSource != null) {
      throw new IllegalArgumentException("give either --app or --app-source, not both");
    }
    boolean capture = trace != null || profile != null || heap;
    if (capture && out == null) {
      throw new IllegalArgumentException("--trace, --profile and --heap need --out CAPTURE");
    }
    if (noEndScan && !heap) {
      throw new IllegalArgumentException("--no-end-scan goes with --heap");
    }
    if (out != null) {
      if (!transport.equals("serial") && !transport.equals("vsock")) {
        throw new IllegalArgumentException(
            "--transport must be serial (COM2) or vsock (port 5151), got " + transport);
      }
      BootOptions boot =
          new BootOptions(
              BootOptions.parseGroups(trace), profile == null ? 0 : profile, heap, !noEndScan);
      Path image = image();
      SessionConfig cfg =
          SessionConfig.of(image, appName(), boot, out)
              .withSmp(smp)
              .withExtraArgs(append)
              .withDuration(duration)
              .withTimeout(timeout)
              .withGdb(gdb)
              .withVsock(transport.equals("vsock"));
      return new CaptureRun(cfg, System.out, System.err).call();
    }
    PrintStream out = System.out;
    Path image = image();
    String cmdline = ((appName().isEmpty() ? "" : "app=" + appName()) + " " + append).trim();
    QemuCommand cmd =
        QemuCommand.of(image, cmdline)
            .withSmp(smp)
            // A guest panic (pvpanic) makes QEMU exit at once instead of idling.
            .withExtra(List.of("-action", "panic=exit-failure"));
    System.err.printf("uniscope: booting %s with '%s' on %d vCPU(s)%n", image, cmdline, smp);
    long start = System.nanoTime();
    // Line by line, so the kernel's own `app: exit ... status=N` line is seen (see below).
    ConsoleLog console =
        new ConsoleLog(
            line -> {
              out.println(line);
              out.flush();
            });
    try (QemuProcess qemu =
        QemuProcess.start(cmd, console, bytes -> System.err.write(bytes, 0, bytes.length))) {
      Duration wait = duration != null ? duration : timeout;
      Optional<QemuProcess.ExitStatus> exit = qemu.awaitExit(wait);
      // Let the last console lines out before our summary line.
      console.awaitEnd(5000);
      double secs = (System.nanoTime() - start) / 1e9;
      if (exit.isEmpty()) {
        if (duration != null) {
          System.err.printf("uniscope: stopped the VM after %s%n", duration);
          return ExitCodes.OK;
        }
        System.err.printf("uniscope: the VM neither exited nor panicked within %s%n", timeout);
        return ExitCodes.TIMEOUT;
      }
      QemuProcess.ExitStatus st = exit.get();
      // No QMP here: the exit status and the console decide (a reset shows as the kernel's
      // reboot line and status 0).
      SessionOutcome outcome = VmEnd.of(st, console, "", false).outcome();
      switch (outcome) {
        case SessionOutcome.AppExited(int code) ->
            System.err.printf(
                "uniscope: app '%s' exited with status %d after %.1f s%n", appName(), code, secs);
        case SessionOutcome.GuestRebooted g ->
            System.err.printf("uniscope: %s after %.1f s%n", CaptureRun.rebooted(g), secs);
        default ->
            System.err.printf(
                "uniscope: QEMU exited with status %d after %.1f s (guest panic or QEMU error)%n",
                st.raw(), secs);
      }
      return CaptureRun.exitCode(outcome);
    }
  }

  /** The built-in app, or empty for an app linked from {@code --app-source} (the default app). */
  private String appName() {
    return appSource != null ? "" : app != null ? app : "kvstore";
  }

  /** The kernel to boot: built with the app source, else the given or shipped image. */
  private Path image() throws Exception {
    if (appSource == null) {
      return KernelImage.locate(kernel);
    }
    Path sources = AppSourceBuild.kernelSources(kernel != null ? kernel : KernelImage.locate(null));
    System.err.printf("uniscope: building the kernel with %s%n", appSource);
    if (out != null) {
      // Kept beside the capture: report and export symbolize with it.
      java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
      return AppSourceBuild.build(
          appSource, sources, out.resolveSibling(out.getFileName() + ".elf"));
    }
    Path dir = QemuProcess.privateDir("uniscope-kernel-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> QemuProcess.deleteDir(dir)));
    return AppSourceBuild.build(appSource, sources, dir.resolve("uniscope.elf"));
  }
}
