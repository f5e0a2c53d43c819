package dev.uniscope.core.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A running QEMU. Started from a {@link QemuCommand}, it copies QEMU's stdout (COM1 when that is on
 * stdio) and stderr to consumers, and {@link #close()} always kills it. A shutdown hook kills any
 * QEMU still alive when the JVM exits, so an aborted run never leaves a VM behind.
 */
public final class QemuProcess implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "qemu-reaper"));
  }

  private final Process process;
  private final QemuCommand command;

  private QemuProcess(Process process, QemuCommand command) {
    this.process = process;
    this.command = command;
  }

  /** Receives one of QEMU's output streams. */
  @FunctionalInterface
  public interface Sink {
    /** A chunk as it arrived. */
    void accept(byte[] chunk);

    /** The stream ended: QEMU closed it, normally by exiting. Everything has been delivered. */
    default void end() {}
  }

  /**
   * Starts QEMU. {@code stdout} and {@code stderr} receive raw chunks as they arrive, on daemon
   * threads, until QEMU closes them.
   */
  public static QemuProcess start(QemuCommand command, Sink stdout, Sink stderr)
      throws IOException {
    Process p;
    try {
      p = new ProcessBuilder(command.argv()).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot start " + command.qemu() + " (is qemu-system-x86 installed?): " + e.getMessage(),
          e);
    }
    LIVE.add(p);
    p.getOutputStream().close();
    pump(p.getInputStream(), stdout, "qemu-stdout");
    pump(p.getErrorStream(), stderr, "qemu-stderr");
    return new QemuProcess(p, command);
  }

  private static void pump(InputStream in, Sink sink, String name) {
    Thread.ofPlatform()
        .daemon()
        .name(name)
        .start(
            () -> {
              byte[] buf = new byte[8192];
              try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  sink.accept(java.util.Arrays.copyOf(buf, n));
                }
              } catch (IOException e) {
                // QEMU went away: the stream is over.
              } finally {
                sink.end();
              }
            });
  }

  /** A fresh directory only this user can enter, for sockets, dumps and captures. */
  public static Path privateDir(String prefix) throws IOException {
    return Files.createTempDirectory(
        prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /** Deletes a directory made by {@link #privateDir}, ignoring what cannot be deleted. */
  public static void deleteDir(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp dir is harmless.
    }
  }

  public QemuCommand command() {
    return command;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Waits until QEMU has created the listening socket at {@code path}. QEMU creates its sockets
   * before the guest runs; this bounded poll covers only process start-up.
   */
  public void awaitSocket(Path path, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(path)) {
      if (!process.isAlive()) {
        throw new TimeoutException(
            "QEMU exited with status " + process.exitValue() + " before creating " + path);
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("QEMU did not create " + path + " within " + timeout);
      }
      process.waitFor(10, TimeUnit.MILLISECONDS);
    }
  }

  /** Waits for QEMU to exit; empty when it is still running at the deadline. */
  public Optional<ExitStatus> awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return Optional.empty();
    }
    LIVE.remove(process);
    return Optional.of(new ExitStatus(process.exitValue()));
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
  }

  /**
   * QEMU's exit status. With {@code isa-debug-exit} a guest writing {@code code} makes QEMU exit
   * with {@code (code << 1) | 1}; anything else is a plain QEMU exit (quit, killed, error).
   */
  public record ExitStatus(int raw) {
    /** The code the guest wrote to isa-debug-exit, if it exited that way. */
    public Optional<Integer> guestCode() {
      return (raw & 1) == 1 ? Optional.of(raw >> 1) : Optional.empty();
    }
  }
}
