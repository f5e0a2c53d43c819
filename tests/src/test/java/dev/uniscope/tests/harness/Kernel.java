package dev.uniscope.tests.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Locates the repository and the kernel image, building the kernel once per test JVM. */
public final class Kernel {
  private static Path built;

  private Kernel() {}

  /** The repository root: the {@code uniscope.root} property set by Maven, else the working dir. */
  public static Path root() {
    String prop = System.getProperty("uniscope.root");
    Path start = Path.of(prop != null && !prop.isBlank() ? prop : "").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("kernel")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root above " + start);
  }

  /**
   * {@code kernel/build/uniscope.elf}, after an incremental {@code make -C kernel}; or, when the
   * system property {@code uniscope.kernel} names an image, that image as it is (no make).
   */
  public static synchronized Path elf() {
    String given = System.getProperty("uniscope.kernel");
    if (given != null && !given.isBlank()) {
      return Path.of(given).toAbsolutePath();
    }
    if (built == null) {
      make(List.of());
      built = root().resolve("kernel/build/uniscope.elf");
      if (!Files.isRegularFile(built)) {
        throw new IllegalStateException("make -C kernel did not produce " + built);
      }
    }
    return built;
  }

  /**
   * Runs {@code make -C kernel} with extra arguments (for example {@code APP=/path/app.c
   * BUILD=/tmp/x}), failing with make's output when it fails.
   */
  public static String make(List<String> args) {
    var cmd = new java.util.ArrayList<>(List.of("make", "-C", root().resolve("kernel").toString()));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(Duration.ofMinutes(5).toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("make timed out: " + cmd);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("make failed (" + p.exitValue() + "): " + cmd + "\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run make: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running make", e);
    }
  }
}
