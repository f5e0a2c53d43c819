package dev.uniscope.gdbstub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A firmware-only QEMU 7.2, paused at the reset vector, with its gdb stub on a Unix socket in a
 * private temp dir. Optionally loads a file into guest-physical memory. Always killed on close.
 */
public final class FirmwareQemu implements AutoCloseable {

  public static final String QEMU = "/usr/bin/qemu-system-x86_64";

  private final Process process;
  private final Path dir;
  private final Path gdbSocket;
  private final Thread reaper;

  private FirmwareQemu(Process process, Path dir, Path gdbSocket) {
    this.process = process;
    this.dir = dir;
    this.gdbSocket = gdbSocket;
    this.reaper = new Thread(process::destroyForcibly, "kill-qemu");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  public static boolean available() {
    return Files.isExecutable(Path.of(QEMU));
  }

  /** Starts QEMU; {@code loadFile}/{@code loadAddr} place a raw file in physical memory. */
  public static FirmwareQemu start(
      Path dir, int smp, Path loadFile, long loadAddr, boolean tcp, int port) throws IOException {
    Path sock = dir.resolve("gdb.sock");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            QEMU,
            "-machine",
            "q35,accel=tcg",
            "-cpu",
            "max",
            "-m",
            "512M",
            "-smp",
            Integer.toString(smp),
            "-display",
            "none",
            "-nodefaults",
            "-monitor",
            "none",
            "-serial",
            "none",
            "-S",
            "-gdb",
            tcp ? "tcp:127.0.0.1:" + port : "unix:" + sock + ",server=on,wait=off"));
    if (loadFile != null) {
      cmd.add("-device");
      cmd.add(
          "loader,file=" + loadFile + ",addr=0x" + Long.toHexString(loadAddr) + ",force-raw=on");
    }
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("qemu.log").toFile())
            .start();
    FirmwareQemu q = new FirmwareQemu(p, dir, sock);
    if (!tcp) {
      q.awaitSocket(Duration.ofSeconds(30));
    }
    return q;
  }

  public static FirmwareQemu start(Path dir, int smp) throws IOException {
    return start(dir, smp, null, 0, false, 0);
  }

  /** QEMU creates the socket during startup; there is no event to wait on, so poll briefly. */
  private void awaitSocket(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(gdbSocket)) {
      if (!process.isAlive()) {
        throw new IOException("QEMU exited: " + Files.readString(dir.resolve("qemu.log")));
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IOException("QEMU did not create " + gdbSocket + " within " + timeout);
      }
      LockSupport.parkNanos(20_000_000);
    }
  }

  public Path gdbSocket() {
    return gdbSocket;
  }

  public Process process() {
    return process;
  }

  public String log() throws IOException {
    return Files.readString(dir.resolve("qemu.log"));
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }
}
