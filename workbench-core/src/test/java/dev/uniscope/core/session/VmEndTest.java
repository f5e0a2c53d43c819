package dev.uniscope.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a VM that went by itself is classified (VmEnd), and the console facts it reads. */
class VmEndTest {
  private static final Optional<Integer> NONE = Optional.empty();

  private static SessionOutcome end(
      int raw, Optional<Integer> announced, String panic, String rebootBy, String qmpReason) {
    return new VmEnd(raw, announced, panic, rebootBy, qmpReason, false).outcome();
  }

  @Test
  void anAnnouncedAppExitIsAnAppExit() {
    // isa-debug-exit: status (code << 1) | 1
    assertThat(end(1, Optional.of(0), "", "", "")).isEqualTo(new SessionOutcome.AppExited(0));
    assertThat(end(7, Optional.of(3), "", "", "")).isEqualTo(new SessionOutcome.AppExited(3));
    // The kernel's own codes need no announcement: 126 no app, 127 panic_exit / early fatal.
    assertThat(end(253, NONE, "", "", "")).isEqualTo(new SessionOutcome.AppExited(126));
    assertThat(end(255, NONE, "x", "", "")).isEqualTo(new SessionOutcome.AppExited(127));
  }

  @Test
  void aSignalKilledQemuIsNotAGuestExit() {
    // SIGKILL: 137 = (68 << 1) | 1, odd like a guest exit, but the kernel announced nothing.
    assertThat(end(137, NONE, "", "", "")).isEqualTo(new SessionOutcome.QemuDied(137));
    // ...not even with a reboot line: the reset never happened.
    assertThat(end(137, NONE, "", "app=reboot", "")).isEqualTo(new SessionOutcome.QemuDied(137));
    // Stopped by the host (Ctrl-C reaches QEMU too): SHUTDOWN host-signal, status 0.
    assertThat(new VmEnd(0, NONE, "", "app=reboot", "host-signal", true).outcome())
        .isEqualTo(new SessionOutcome.Cancelled());
  }

  @Test
  void aPanicThatPoweredOffIsAPanic() {
    assertThat(end(0, NONE, "kfree: double free", "", "guest-shutdown"))
        .isEqualTo(new SessionOutcome.Panicked("kfree: double free", null));
    // run without a capture: -action panic=exit-failure gives status 1 (looks like code 0).
    assertThat(end(1, NONE, "page fault", "", ""))
        .isEqualTo(new SessionOutcome.Panicked("page fault", null));
  }

  @Test
  void aGuestResetIsAGuestRebootNeverAnExitNorACrash() {
    // QMP says guest-reset (status 0 under -no-reboot), the kernel said who asked.
    assertThat(end(0, NONE, "", "app=reboot", VmEnd.GUEST_RESET))
        .isEqualTo(new SessionOutcome.GuestRebooted("app=reboot"));
    // No QMP (run without a capture): the reboot line and status 0.
    assertThat(end(0, NONE, "", "app=reboot", ""))
        .isEqualTo(new SessionOutcome.GuestRebooted("app=reboot"));
    // A reset the kernel did not announce (a triple fault): still a reset, requester unknown.
    assertThat(end(0, NONE, "", "", VmEnd.GUEST_RESET))
        .isEqualTo(new SessionOutcome.GuestRebooted(""));
    // A panic report before the reset: the panic is what happened.
    assertThat(end(0, NONE, "nested", "", VmEnd.GUEST_RESET))
        .isEqualTo(new SessionOutcome.Panicked("nested", null));
  }

  @Test
  void qemuGoneWithoutAnyOfTheseDied() {
    assertThat(end(0, NONE, "", "", "")).isEqualTo(new SessionOutcome.QemuDied(0));
    assertThat(end(0, NONE, "", "", "host-qmp-quit")).isEqualTo(new SessionOutcome.QemuDied(0));
    assertThat(end(1, NONE, "", "", "")).isEqualTo(new SessionOutcome.QemuDied(1));
  }

  @Test
  void theConsoleGivesTheRequesterAsOneWord() {
    ConsoleLog log = new ConsoleLog(l -> {});
    log.accept("kernel: reboot requested by app=reboot\r\n".getBytes(StandardCharsets.UTF_8));
    assertThat(log.rebootRequestedBy()).isEqualTo("app=reboot");
    assertThat(VmEnd.of(new dev.uniscope.core.launch.QemuProcess.ExitStatus(0), log, "", false))
        .isEqualTo(new VmEnd(0, NONE, "", "app=reboot", "", false));

    ConsoleLog hostile = new ConsoleLog(l -> {});
    hostile.accept("kernel: reboot requested by \u001b[2Jx y\r\n".getBytes(StandardCharsets.UTF_8));
    assertThat(hostile.rebootRequestedBy()).as("not one word: not shown").isEqualTo("?");
  }
}
