package dev.uniscope.tests.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.tests.harness.Kernel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The desktop app boots the real kernel (kvstore) live, and its screenshot, taken once the VM has
 * exited, shows a full window: console with the banner and the exit line, the KASLR layout from the
 * hello, a live flame graph and a per-CPU timeline; over vsock (the default) and over COM2.
 */
class LiveWindowTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"vsock", "serial"})
  @Timeout(150)
  void liveKvstoreWindow(String transport) throws Exception {
    WorkbenchUi.assumeDisplay();
    Path kernel = Kernel.elf();
    List<String> args = new ArrayList<>(List.of("--kernel", kernel.toString(), "--app", "kvstore"));
    if (transport.equals("serial")) {
      args.addAll(List.of("--transport", "serial")); // vsock is the default
    }
    WorkbenchUi.Shot shot = WorkbenchUi.run(dir, args, 120);

    assertThat(shot.image().getWidth()).isEqualTo(WorkbenchUi.WIDTH);
    assertThat(shot.image().getHeight()).isEqualTo(WorkbenchUi.HEIGHT);
    JsonNode s = shot.state();
    assertThat(s.get("width").asInt()).isEqualTo(shot.image().getWidth());
    assertThat(s.get("height").asInt()).isEqualTo(shot.image().getHeight());
    assertThat(WorkbenchUi.luminanceStdDev(shot.image())).as("not blank").isGreaterThan(20);
    assertThat(WorkbenchUi.distinctColours(shot.image())).isGreaterThan(50);

    assertThat(s.get("ready").asBoolean()).as(shot.log()).isTrue();
    assertThat(s.get("mode").asString()).isEqualTo("live");
    assertThat(s.get("transport").asString()).isEqualTo(transport);
    assertThat(s.get("consoleBanner").asString())
        .matches("uniscope: kernel \\S+ booting build-id=[0-9a-f]+");
    assertThat(s.get("consoleAppExit").asString()).isEqualTo("app: exit name=kvstore status=0");
    assertThat(s.get("vmState").asString()).isEqualTo("exited (status 0)");
    assertThat(s.get("exitStatus").asInt()).isZero();
    assertThat(s.get("slide").asString()).startsWith("0x");
    assertThat(s.get("consoleBanner").asString()).endsWith(s.get("buildId").asString());
    assertThat(s.get("layoutRegions").asInt()).isGreaterThanOrEqualTo(4);
    assertThat(s.get("flameSamples").asLong()).isPositive();
    // Symbolized with this boot's slide from the first sample on (the hello reaches the views
    // before any event does).
    s.get("flameTopFrames")
        .forEach(f -> assertThat(f.asString()).as("flame frame").doesNotStartWith("0x"));
    assertThat(s.get("timelineCpus").asInt()).isEqualTo(2);
    assertThat(s.get("timelineSpans").asLong()).isPositive();
  }
}
