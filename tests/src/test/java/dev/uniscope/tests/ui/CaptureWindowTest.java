package dev.uniscope.tests.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.core.session.BootOptions;
import dev.uniscope.core.session.Session;
import dev.uniscope.core.session.SessionConfig;
import dev.uniscope.core.session.SessionListener;
import dev.uniscope.core.session.SessionOutcome;
import dev.uniscope.core.session.SessionResult;
import dev.uniscope.tests.harness.Kernel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A capture of the {@code spin} ground-truth app (profiled), opened in the desktop app: the flame
 * graph holds spin's call chain, the known-answer line is shown next to the measured shares, and
 * the timeline, layout and console (from the run record) are filled.
 */
class CaptureWindowTest {
  @TempDir Path dir;

  @Test
  @Timeout(180)
  void spinCaptureWindow() throws Exception {
    WorkbenchUi.assumeDisplay();
    Path kernel = Kernel.elf();
    Path capture = dir.resolve("spin.uscope");
    BootOptions boot = new BootOptions(BootOptions.parseGroups("sched,irq"), 997, false);
    SessionConfig config =
        SessionConfig.of(kernel, "spin", boot, capture)
            .withExtraArgs("duration=1000")
            .withTimeout(Duration.ofMinutes(2));
    SessionResult result;
    try (Session s = Session.launch(config, new SessionListener() {})) {
      result = s.await();
    }
    assertThat(result.outcome()).isEqualTo(new SessionOutcome.AppExited(0));

    Path shotDir = dir.resolve("shot");
    java.nio.file.Files.createDirectories(shotDir);
    WorkbenchUi.Shot shot =
        WorkbenchUi.run(shotDir, List.of(capture.toString(), "--kernel", kernel.toString()), 120);

    assertThat(shot.image().getWidth()).isEqualTo(WorkbenchUi.WIDTH);
    assertThat(shot.image().getHeight()).isEqualTo(WorkbenchUi.HEIGHT);
    assertThat(WorkbenchUi.luminanceStdDev(shot.image())).as("not blank").isGreaterThan(20);
    JsonNode s = shot.state();
    assertThat(s.get("ready").asBoolean()).as(shot.log()).isTrue();
    assertThat(s.get("mode").asString()).isEqualTo("capture");
    assertThat(s.get("flameSamples").asLong()).isPositive();
    List<String> top = s.get("flameTopFrames").valueStream().map(JsonNode::asString).toList();
    assertThat(top).anyMatch(f -> f.startsWith("spin_worker "));
    assertThat(top).anyMatch(f -> f.startsWith("spin_phase "));
    assertThat(s.get("knownAnswer").asString())
        .startsWith("spin known answer: burn_a 50% (profile ")
        .contains("burn_b 30%", "burn_c 20%");
    assertThat(s.get("timelineCpus").asInt()).isEqualTo(2);
    assertThat(s.get("timelineSpans").asLong()).isPositive();
    assertThat(s.get("slide").asString()).startsWith("0x");
    assertThat(s.get("consoleAppExit").asString()).isEqualTo("app: exit name=spin status=0");
  }
}
