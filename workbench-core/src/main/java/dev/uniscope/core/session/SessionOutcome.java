package dev.uniscope.core.session;

import java.nio.file.Path;

/** How a session ended. */
public sealed interface SessionOutcome {
  /** Short machine name: {@code exited}, {@code panicked}, {@code stopped}, ... */
  String kind();

  /** The app returned and the kernel powered off through isa-debug-exit. */
  record AppExited(int status) implements SessionOutcome {
    @Override
    public String kind() {
      return "exited";
    }
  }

  /**
   * The guest signalled a panic (pvpanic).
   *
   * @param reason the console's {@code panic: ...} line, or empty
   * @param dump the memory dump, or null when it could not be taken
   */
  record Panicked(String reason, Path dump) implements SessionOutcome {
    @Override
    public String kind() {
      return "panicked";
    }
  }

  /** {@code --duration} elapsed; the host stopped the VM. */
  record DurationElapsed() implements SessionOutcome {
    @Override
    public String kind() {
      return "stopped";
    }
  }

  /** The VM neither exited nor panicked within the timeout. */
  record TimedOut() implements SessionOutcome {
    @Override
    public String kind() {
      return "timeout";
    }
  }

  /** The session was cancelled. */
  record Cancelled() implements SessionOutcome {
    @Override
    public String kind() {
      return "cancelled";
    }
  }

  /**
   * The guest reset the machine (QEMU runs with {@code -no-reboot}, so a reset ends it: QMP {@code
   * SHUTDOWN} with reason {@code guest-reset}, exit status 0). Neither an app exit nor a crash.
   *
   * @param requestedBy who the kernel said asked for it ({@code kernel: reboot requested by WHO}),
   *     or empty when the reset came unannounced (a triple fault, for one)
   */
  record GuestRebooted(String requestedBy) implements SessionOutcome {
    @Override
    public String kind() {
      return "guest-rebooted";
    }
  }

  /** QEMU exited without a guest exit code (error, killed, or powered off after a panic). */
  record QemuDied(int rawStatus) implements SessionOutcome {
    @Override
    public String kind() {
      return "qemu-died";
    }
  }
}
