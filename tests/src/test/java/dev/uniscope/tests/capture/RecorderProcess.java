package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.tests.harness.Kernel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code uniscope run ... --out CAPTURE} in a child JVM, so a test can kill the recorder or its
 * QEMU mid-run. {@link #close()} kills whatever is left.
 */
final class RecorderProcess implements AutoCloseable {
  final Process process;
  private final Path capture;
  private final CompletableFuture<Boolean> channelUp;

  private RecorderProcess(Process process, Path capture) {
    this.process = process;
    this.capture = capture;
    // The CLI says "data channel up" on stderr once the kernel's hello has arrived.
    this.channelUp =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                boolean up = false;
                for (String l; (l = err.readLine()) != null; ) {
                  up |= l.contains("data channel up");
                }
                return up;
              } catch (IOException e) {
                return false;
              }
            });
  }

  /** Starts {@code uniscope run --kernel ELF ARGS... --out CAPTURE}. */
  static RecorderProcess start(Path capture, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.uniscope.cli.UniscopeCommand",
                "run",
                "--kernel",
                Kernel.elf().toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--out", capture.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectErrorStream(false)
            .start();
    return new RecorderProcess(p, capture);
  }

  /**
   * Waits until the data channel is up and the capture holds at least {@code bytes} (the recorder's
   * only visible progress; polled with a deadline).
   */
  void awaitRecorded(long bytes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!(Files.exists(capture) && Files.size(capture) >= bytes)
        && System.nanoTime() < deadline
        && process.isAlive()) {
      process.waitFor(200, TimeUnit.MILLISECONDS);
    }
    assertThat(Files.exists(capture) ? Files.size(capture) : 0)
        .as("capture size while recording")
        .isGreaterThanOrEqualTo(bytes);
  }

  /** Whether the CLI reported its data channel (complete once its stderr closes). */
  boolean reportedChannelUp() throws Exception {
    return channelUp.get(5, TimeUnit.MINUTES);
  }

  /** The QEMU this recorder started. */
  List<ProcessHandle> qemu() {
    return process
        .descendants()
        .filter(h -> h.info().command().orElse("").contains("qemu-system"))
        .toList();
  }

  @Override
  public void close() {
    List<ProcessHandle> left = process.descendants().toList();
    process.destroyForcibly();
    left.forEach(ProcessHandle::destroyForcibly);
    process.onExit().orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> process).join();
  }
}
