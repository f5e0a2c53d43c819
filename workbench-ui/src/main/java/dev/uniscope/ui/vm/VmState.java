package dev.uniscope.ui.vm;

import dev.uniscope.core.session.SessionOutcome;

/** The VM as the status bar shows it. */
public sealed interface VmState {
  /** Short text for the status bar. */
  String label();

  /** Whether the VM is gone (nothing more will arrive). */
  default boolean terminal() {
    return true;
  }

  /** No VM: a file is open, or nothing yet. */
  record None() implements VmState {
    @Override
    public String label() {
      return "no VM";
    }
  }

  /** QEMU starts paused until the data channel is connected, then runs. */
  record Starting() implements VmState {
    @Override
    public String label() {
      return "paused (connecting the data channel)";
    }

    @Override
    public boolean terminal() {
      return false;
    }
  }

  record Running() implements VmState {
    @Override
    public String label() {
      return "running";
    }

    @Override
    public boolean terminal() {
      return false;
    }
  }

  /** The session ended; {@code outcome} says how. */
  record Ended(SessionOutcome outcome) implements VmState {
    @Override
    public String label() {
      return switch (outcome) {
        case SessionOutcome.AppExited(int status) -> "exited (status " + status + ")";
        case SessionOutcome.Panicked p ->
            "panicked" + (p.reason().isEmpty() ? "" : ": " + p.reason());
        case SessionOutcome.DurationElapsed d -> "stopped";
        case SessionOutcome.TimedOut t -> "timed out (stopped)";
        case SessionOutcome.Cancelled c -> "stopped by the user";
        case SessionOutcome.QemuDied(int raw) -> "QEMU exited (status " + raw + ")";
        case SessionOutcome.GuestRebooted g -> "guest rebooted";
      };
    }

    /** The app's exit status, or -1. */
    public int exitStatus() {
      return outcome instanceof SessionOutcome.AppExited(int s) ? s : -1;
    }
  }

  /** QEMU could not be started or the session broke. */
  record Failed(String message) implements VmState {
    @Override
    public String label() {
      return "failed: " + message;
    }
  }
}
