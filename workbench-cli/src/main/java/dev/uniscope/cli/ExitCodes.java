package dev.uniscope.cli;

/** The exit codes every command uses; documented in docs/cli.md. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** The app ran and exited with a non-zero status. */
  public static final int APP_FAILED = 1;

  /** Bad command line (picocli's own code for usage errors). */
  public static final int USAGE = 2;

  /** The guest panicked, or QEMU died. */
  public static final int PANIC = 3;

  /** The VM did not finish within the timeout. */
  public static final int TIMEOUT = 4;

  /**
   * The guest reset the machine before the app exited: neither the app's status (there is none) nor
   * a crash, so it gets its own code (5 and 6 are {@code report}'s gates).
   */
  public static final int GUEST_REBOOTED = 7;

  private ExitCodes() {}
}
