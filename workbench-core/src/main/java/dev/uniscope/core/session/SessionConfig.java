package dev.uniscope.core.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One launched capture.
 *
 * @param kernel the kernel ELF
 * @param app built-in app name ({@code app=NAME}), or empty for the kernel's default app (one
 *     linked from an external source)
 * @param smp vCPUs, 1..8
 * @param extraArgs more kernel command-line words from the user (may be empty)
 * @param boot what to instrument
 * @param capture the capture file to write
 * @param duration stop the VM after this long (null: run until the app exits)
 * @param timeout give up on a VM that neither exits nor panics within this
 * @param gdb also open a gdb stub socket in the session directory
 * @param leakScanEvery with heap tracking, ask for a leak scan this often (null: never)
 * @param vsock carry the data channel over virtio-vsock ({@code data=vsock}) instead of COM2
 */
public record SessionConfig(
    Path kernel,
    String app,
    int smp,
    String extraArgs,
    BootOptions boot,
    Path capture,
    Duration duration,
    Duration timeout,
    boolean gdb,
    Duration leakScanEvery,
    boolean vsock) {

  /** Maximum vCPUs the kernel uses (docs/app-api.md). */
  public static final int MAX_SMP = 8;

  public SessionConfig {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(boot, "boot");
    Objects.requireNonNull(capture, "capture");
    Objects.requireNonNull(timeout, "timeout");
    extraArgs = extraArgs == null ? "" : extraArgs.trim();
    if (smp < 1 || smp > MAX_SMP) {
      throw new IllegalArgumentException("--smp " + smp + " is outside 1.." + MAX_SMP);
    }
    if (!app.matches("[A-Za-z0-9_]{0,32}")) {
      throw new IllegalArgumentException("app name '" + app + "' is not [A-Za-z0-9_]{1,32}");
    }
  }

  /** Defaults: 2 vCPUs, no extra options, 10 minute timeout, leak scan every 500 ms. */
  public static SessionConfig of(Path kernel, String app, BootOptions boot, Path capture) {
    return new SessionConfig(
        kernel,
        app,
        2,
        "",
        boot,
        capture,
        null,
        Duration.ofMinutes(10),
        false,
        Duration.ofMillis(500),
        false);
  }

  public SessionConfig withSmp(int n) {
    return new SessionConfig(
        kernel, app, n, extraArgs, boot, capture, duration, timeout, gdb, leakScanEvery, vsock);
  }

  public SessionConfig withExtraArgs(String a) {
    return new SessionConfig(
        kernel, app, smp, a, boot, capture, duration, timeout, gdb, leakScanEvery, vsock);
  }

  public SessionConfig withDuration(Duration d) {
    return new SessionConfig(
        kernel, app, smp, extraArgs, boot, capture, d, timeout, gdb, leakScanEvery, vsock);
  }

  public SessionConfig withTimeout(Duration t) {
    return new SessionConfig(
        kernel, app, smp, extraArgs, boot, capture, duration, t, gdb, leakScanEvery, vsock);
  }

  public SessionConfig withGdb(boolean g) {
    return new SessionConfig(
        kernel, app, smp, extraArgs, boot, capture, duration, timeout, g, leakScanEvery, vsock);
  }

  public SessionConfig withLeakScanEvery(Duration d) {
    return new SessionConfig(
        kernel, app, smp, extraArgs, boot, capture, duration, timeout, gdb, d, vsock);
  }

  public SessionConfig withVsock(boolean v) {
    return new SessionConfig(
        kernel, app, smp, extraArgs, boot, capture, duration, timeout, gdb, leakScanEvery, v);
  }

  /** The kernel command line: {@code app=NAME}, the instrumentation, then the user's words. */
  public String cmdline() {
    StringBuilder b = new StringBuilder(app.isEmpty() ? "" : "app=" + app);
    for (String w : boot.kernelArgs()) {
      if (vsock && w.equals("data=com2")) {
        w = "data=vsock";
      }
      // A user-supplied word of the same key wins (the kernel reads the first match otherwise).
      String key = w.substring(0, w.indexOf('=') + 1);
      if (!(" " + extraArgs).contains(" " + key)) {
        b.append(' ').append(w);
      }
    }
    if (!extraArgs.isEmpty()) {
      b.append(' ').append(extraArgs);
    }
    return b.toString().trim();
  }

  /** Where a memory dump goes when the guest panics: beside the capture. */
  public Path dumpFile() {
    return capture.resolveSibling(capture.getFileName() + ".core");
  }

  /** The run record beside the capture (outcome, console tail), read by {@code report}. */
  public Path runRecordFile() {
    return RunRecord.fileFor(capture);
  }
}
