package dev.uniscope.cli.run;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.core.launch.KernelImage;
import dev.uniscope.core.launch.QemuCommand;
import dev.uniscope.core.launch.QemuProcess;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uniscope run}: boots the kernel with one app under QEMU (TCG), shows its console, and
 * exits with the app's status. Capture options arrive with the headless-capture work.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Boot the kernel with an app under QEMU and show its console.")
public final class RunCommand implements Callable<Integer> {

  @Option(
      names = "--app",
      defaultValue = "kvstore",
      description = "Built-in app to run (default: ${DEFAULT-VALUE}).")
  String app;

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

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path image = KernelImage.locate(kernel);
    String cmdline = ("app=" + app + " " + append).trim();
    QemuCommand cmd =
        QemuCommand.of(image, cmdline)
            .withSmp(smp)
            // A guest panic (pvpanic) makes QEMU exit at once instead of idling.
            .withExtra(List.of("-action", "panic=exit-failure"));
    System.err.printf("uniscope: booting %s with '%s' on %d vCPU(s)%n", image, cmdline, smp);
    long start = System.nanoTime();
    CountDownLatch consoleDone = new CountDownLatch(1);
    QemuProcess.Sink console =
        new QemuProcess.Sink() {
          @Override
          public void accept(byte[] bytes) {
            out.write(bytes, 0, bytes.length);
            out.flush();
          }

          @Override
          public void end() {
            consoleDone.countDown();
          }
        };
    try (QemuProcess qemu =
        QemuProcess.start(cmd, console, bytes -> System.err.write(bytes, 0, bytes.length))) {
      Duration wait = duration != null ? duration : timeout;
      Optional<QemuProcess.ExitStatus> exit = qemu.awaitExit(wait);
      // Let the last console bytes out before our summary line.
      consoleDone.await(5, TimeUnit.SECONDS);
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
      if (st.guestCode().isPresent()) {
        int code = st.guestCode().get();
        System.err.printf(
            "uniscope: app '%s' exited with status %d after %.1f s%n", app, code, secs);
        return code == 0 ? ExitCodes.OK : ExitCodes.APP_FAILED;
      }
      System.err.printf(
          "uniscope: QEMU exited with status %d after %.1f s (guest panic or QEMU error)%n",
          st.raw(), secs);
      return ExitCodes.PANIC;
    }
  }
}
