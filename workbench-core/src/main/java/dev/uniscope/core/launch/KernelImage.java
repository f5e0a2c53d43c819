package dev.uniscope.core.launch;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shipped kernel image when the user names none. */
public final class KernelImage {
  /** Relative to the installation (the repository root when run from a checkout). */
  public static final String SHIPPED = "kernel/build/uniscope.elf";

  private KernelImage() {}

  /**
   * The explicit path if given; else {@value #SHIPPED} under {@code uniscope.home} (set by the
   * launcher script), else under the working directory.
   *
   * @throws IllegalArgumentException naming every place looked at, when none holds a file
   */
  public static Path locate(Path explicit) {
    if (explicit != null) {
      if (!Files.isRegularFile(explicit)) {
        throw new IllegalArgumentException("kernel image not found: " + explicit);
      }
      return explicit;
    }
    String home = System.getProperty("uniscope.home");
    Path fromHome = home == null ? null : Path.of(home).resolve(SHIPPED);
    if (fromHome != null && Files.isRegularFile(fromHome)) {
      return fromHome;
    }
    Path fromCwd = Path.of(SHIPPED).toAbsolutePath();
    if (Files.isRegularFile(fromCwd)) {
      return fromCwd;
    }
    throw new IllegalArgumentException(
        "no kernel image: looked at "
            + (fromHome != null ? fromHome + " and " : "")
            + fromCwd
            + "; build it with 'make -C kernel' or pass --kernel");
  }
}
