package dev.uniscope.tests.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.cli.UniscopeCommand;
import dev.uniscope.core.session.RunRecord;
import dev.uniscope.tests.harness.Kernel;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The guest reboots mid-stream ({@code app=reboot}: marker counters for {@code after=} ms, then
 * {@code machine_reboot}): under QEMU's {@code -no-reboot} the reset ends QEMU with status 0, and
 * {@code run} must call it a guest reboot (exit 7, outcome {@code guest-rebooted}), not an app exit
 * nor a crash; the capture is closed with its footer and holds every event the app wrote, over COM2
 * and over vsock (where the vhost-user back-end sees its front-end go away).
 */
class GuestRebootTest {
  /** The count the app prints after its threads have stopped writing. */
  static final Pattern EMITTED = Pattern.compile("^reboot: result events=(\\d+) cpus=\\d+");

  static final Pattern REBOOT_LINE = Pattern.compile("^kernel: reboot requested by app=reboot$");
  static final Pattern RESETTING = Pattern.compile("^kernel: resetting$");
  static final Pattern APP_EXIT = Pattern.compile("^app: exit ");

  /** Long enough that pages stream out before the reset (the data channel is mid-stream). */
  static final String AFTER = "after=3000";

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void rebootOverSerialIsAGuestRebootWithACompleteCapture() throws Exception {
    rebootMidStream("serial");
  }

  @Test
  @Timeout(900)
  void rebootOverVsockIsAGuestRebootWithACompleteCapture() throws Exception {
    rebootMidStream("vsock");
  }

  @Test
  @Timeout(900)
  void rebootWithoutACaptureIsStillAGuestReboot() {
    // No --out: no QMP, the kernel's reboot line and QEMU's status 0 tell it.
    assertThat(
            UniscopeCommand.execute(
                "run",
                "--kernel",
                Kernel.elf().toString(),
                "--app",
                "reboot",
                "--append",
                "after=300",
                "--timeout",
                "8m"))
        .as("exit code of run for a guest reboot")
        .isEqualTo(7);
  }

  private void rebootMidStream(String transport) throws Exception {
    Path capture = dir.resolve("reboot-" + transport + ".uscope");
    assertThat(
            CaptureCli.run(capture, "--transport", transport, "--app", "reboot", "--append", AFTER))
        .as("exit code of run for a guest reboot")
        .isEqualTo(7);

    assertThat(CaptureCli.consoleMatches(capture, REBOOT_LINE)).hasSize(1);
    assertThat(CaptureCli.consoleMatches(capture, RESETTING)).hasSize(1);
    assertThat(CaptureCli.consoleMatches(capture, APP_EXIT)).as("no app exit line").isEmpty();
    List<Matcher> emitted = CaptureCli.consoleMatches(capture, EMITTED);
    assertThat(emitted).hasSize(1);
    long events = Long.parseLong(emitted.getFirst().group(1));
    assertThat(events).isPositive();
    if (transport.equals("vsock")) {
      // The host was connected (streaming) before the kernel announced the reboot.
      assertThat(consoleIndex(capture, VsockCaptureTest.CONNECTED))
          .isBetween(0, consoleIndex(capture, REBOOT_LINE) - 1);
    }

    Path json = dir.resolve("r-" + transport + ".json");
    assertThat(CaptureCli.report(capture, json, "--fail-on", "panic,lost-events")).isZero();
    JsonNode r = CaptureCli.json(json);
    assertThat(r.path("run").path("outcome").asString()).isEqualTo("guest-rebooted");
    assertThat(r.path("run").path("exit_status").isNull()).as("no app status").isTrue();
    assertThat(r.path("capture").path("footer_rebuilt").asBoolean())
        .as("the capture was closed with its index and footer")
        .isFalse();
    assertThat(r.path("kernel").path("elf_matches").asBoolean()).isTrue();
    // Every event the app wrote before the reset is in the capture: the kernel drains its rings
    // before it resets, and the ring (1 MiB per CPU) holds far more than 3 s of the app's events.
    assertThat(r.path("events").path("by_event").path("marker_counter").asLong())
        .as("marker_counter events in the capture vs the app's count")
        .isEqualTo(events);
    assertThat(r.path("events").path("lost_records").asLong()).isZero();
  }

  /** Index of the first line of the run record's console tail matching {@code p}, or -1. */
  private static int consoleIndex(Path capture, Pattern p) throws Exception {
    List<String> lines = RunRecord.read(RunRecord.fileFor(capture)).orElseThrow().console();
    for (int i = 0; i < lines.size(); i++) {
      if (p.matcher(lines.get(i)).find()) {
        return i;
      }
    }
    return -1;
  }
}
