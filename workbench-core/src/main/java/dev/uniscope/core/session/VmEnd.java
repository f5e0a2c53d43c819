package dev.uniscope.core.session;

import dev.uniscope.core.launch.QemuProcess;
import java.util.Optional;

/**
 * What is known once QEMU has exited by itself, and the one rule that turns it into a {@link
 * SessionOutcome} (for {@link Session} and for {@code run} without a capture). A pvpanic event is
 * not in here: the session answers it with a memory dump before QEMU goes.
 *
 * @param rawStatus QEMU's exit status
 * @param announcedExit the status of the kernel's {@code app: exit name=X status=N} line, if any
 * @param panicReason the console's first {@code panic:} line (text after it), or empty
 * @param rebootBy who the kernel said asked for a reboot ({@code kernel: reboot requested by WHO}),
 *     or empty
 * @param shutdownReason the reason of QMP's {@code SHUTDOWN} event ({@code guest-reset}, {@code
 *     host-signal}, ...), or empty when none was seen or there is no QMP connection
 * @param stopped the host stopped QEMU (the session was cancelled, or QEMU says a signal ended it)
 */
public record VmEnd(
    int rawStatus,
    Optional<Integer> announcedExit,
    String panicReason,
    String rebootBy,
    String shutdownReason,
    boolean stopped) {

  /** QMP's {@code SHUTDOWN} reason for a reset that {@code -no-reboot} turned into an exit. */
  public static final String GUEST_RESET = "guest-reset";

  /** The facts from QEMU's status and its console. */
  public static VmEnd of(
      QemuProcess.ExitStatus status, ConsoleLog console, String shutdownReason, boolean stopped) {
    return new VmEnd(
        status.raw(),
        console.appExitStatus(),
        console.panicReason(),
        console.rebootRequestedBy(),
        shutdownReason,
        stopped);
  }

  /** How the VM ended. */
  public SessionOutcome outcome() {
    // An odd QEMU status is also what a signal gives (SIGKILL: 137 = (68 << 1) | 1), so a guest
    // exit counts only when the kernel announced it, or is one of its own codes (126 no app, 127
    // panic_exit or an early fatal error; docs/app-api.md).
    Optional<Integer> code =
        new QemuProcess.ExitStatus(rawStatus)
            .guestCode()
            .filter(c -> c >= 126 || announcedExit.equals(Optional.of(c)));
    if (code.isPresent()) {
      return new SessionOutcome.AppExited(code.get());
    }
    // Under -no-reboot a reset ends QEMU with status 0, the same status as a panic that powered
    // off or a quit: QMP names it (guest-reset); without QMP (run without a capture) the kernel's
    // reboot line with status 0 does. A panic before the reset is the real story (a fault in the
    // panic path can triple-fault).
    boolean reset =
        shutdownReason.equals(GUEST_RESET)
            || (shutdownReason.isEmpty() && rawStatus == 0 && !rebootBy.isEmpty());
    if (reset) {
      return panicReason.isEmpty()
          ? new SessionOutcome.GuestRebooted(rebootBy)
          : new SessionOutcome.Panicked(panicReason, null);
    }
    if (stopped) {
      return new SessionOutcome.Cancelled();
    }
    // A kernel that printed its panic report and then powered off (no pvpanic event seen).
    return panicReason.isEmpty()
        ? new SessionOutcome.QemuDied(rawStatus)
        : new SessionOutcome.Panicked(panicReason, null);
  }
}
