package dev.uniscope.cli.run;

import dev.uniscope.core.launch.QemuProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code run --app-source FILE.c}: links an app written against docs/app-api.md into a kernel built
 * in a private directory ({@code make -C kernel APP=FILE BUILD=DIR}); the external app is then the
 * kernel's default app.
 */
final class AppSourceBuild {
  private static final long MAKE_TIMEOUT_MINUTES = 10;

  private AppSourceBuild() {}

  /** The kernel source directory: under {@code uniscope.home}, else beside the shipped image. */
  static Path kernelSources(Path shippedElf) {
    String home = System.getProperty("uniscope.home");
    Path dir =
        home != null && !home.isBlank()
            ? Path.of(home, "kernel")
            : shippedElf.toAbsolutePath().getParent().getParent();
    if (dir == null || !Files.isRegularFile(dir.resolve("Makefile"))) {
      throw new IllegalArgumentException(
          "--app-source needs the kernel sources (kernel/Makefile), not found at " + dir);
    }
    return dir;
  }

  /**
   * Builds the kernel in a private directory, moves its ELF to {@code dest} (kept: reports need it
   * for symbols) and removes the build directory; make's output ends up in the error when it fails.
   */
  static Path build(Path source, Path kernelSources, Path dest)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(source)) {
      throw new IllegalArgumentException("no such app source: " + source);
    }
    Path dir = QemuProcess.privateDir("uniscope-app-");
    try {
      return make(source, kernelSources, dir.resolve("build"), dest);
    } finally {
      QemuProcess.deleteDir(dir);
    }
  }

  private static Path make(Path source, Path kernelSources, Path build, Path dest)
      throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            "make",
            "-C",
            kernelSources.toString(),
            "APP=" + source.toAbsolutePath(),
            "BUILD=" + build);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(MAKE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("building the kernel with " + source + " timed out");
    }
    if (p.exitValue() != 0) {
      String text = new String(out, StandardCharsets.UTF_8).strip();
      String tail = text.length() > 2000 ? text.substring(text.length() - 2000) : text;
      throw new IOException("building the kernel with " + source + " failed:\n" + tail);
    }
    Path elf = build.resolve("uniscope.elf");
    if (!Files.isRegularFile(elf)) {
      throw new IOException("make did not produce " + elf);
    }
    Files.copy(elf, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return dest;
  }
}
