package dev.uniscope.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.ExitCodes;
import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.core.session.SessionOutcome;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureRunTest {
  @TempDir Path dir;

  @Test
  void outcomesMapToTheDocumentedExitCodes() {
    assertThat(CaptureRun.exitCode(new SessionOutcome.AppExited(0))).isEqualTo(ExitCodes.OK);
    assertThat(CaptureRun.exitCode(new SessionOutcome.AppExited(7)))
        .isEqualTo(ExitCodes.APP_FAILED);
    assertThat(CaptureRun.exitCode(new SessionOutcome.DurationElapsed())).isEqualTo(ExitCodes.OK);
    assertThat(CaptureRun.exitCode(new SessionOutcome.Panicked("x", null)))
        .isEqualTo(ExitCodes.PANIC);
    assertThat(CaptureRun.exitCode(new SessionOutcome.QemuDied(0))).isEqualTo(ExitCodes.PANIC);
    assertThat(CaptureRun.exitCode(new SessionOutcome.TimedOut())).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(CaptureRun.exitCode(new SessionOutcome.GuestRebooted("app=reboot")))
        .isEqualTo(ExitCodes.GUEST_REBOOTED);
  }

  @Test
  void captureOptionsAreCheckedBeforeAnythingBoots() {
    Path out = dir.resolve("x.uscope");
    assertThat(UniscopeCommand.execute("run", "--app", "spin", "--profile", "997")).isEqualTo(2);
    assertThat(
            UniscopeCommand.execute(
                "run", "--app", "spin", "--trace", "sched,nope", "--out", out.toString()))
        .isEqualTo(2);
    assertThat(
            UniscopeCommand.execute(
                "run", "--app", "spin", "--profile", "50000", "--out", out.toString()))
        .isEqualTo(2);
    assertThat(
            UniscopeCommand.execute(
                "run", "--app", "spin", "--transport", "vsock", "--out", out.toString()))
        .isEqualTo(2);
    assertThat(out).doesNotExist();
  }
}
