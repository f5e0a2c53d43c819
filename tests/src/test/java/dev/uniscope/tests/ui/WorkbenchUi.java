package dev.uniscope.tests.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the desktop app in a child JVM with {@code --screenshot} and reads back the PNG and its
 * {@code PNG.json} sidecar. Needs an X display ({@code ./uniscope test} provides one through
 * xvfb-run).
 */
final class WorkbenchUi {
  static final int WIDTH = 1400;
  static final int HEIGHT = 900;

  private WorkbenchUi() {}

  /** What one run of the app left behind. */
  record Shot(BufferedImage image, JsonNode state, String log) {}

  static void assumeDisplay() {
    String display = System.getenv("DISPLAY");
    assumeTrue(
        display != null && !display.isBlank(),
        "no DISPLAY set: the UI end-to-end test needs an X server; run it under"
            + " xvfb-run (./uniscope test does)");
  }

  /**
   * Starts {@code dev.uniscope.ui.app.Main} with {@code args} plus {@code --screenshot}, waits at
   * most {@code seconds}, and kills the app and everything it started if it is still running.
   */
  static Shot run(Path dir, List<String> args, long seconds) throws Exception {
    Path png = dir.resolve("window.png");
    Path log = dir.resolve("ui.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Dprism.order=sw");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.uniscope.ui.app.Main");
    cmd.addAll(args);
    cmd.add("--screenshot");
    cmd.add(png.toString());
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    p.getOutputStream().close();
    try {
      boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
      assertThat(done).as("the app exits after its screenshot; log:%n%s", read(log)).isTrue();
      assertThat(p.exitValue()).as("exit code; log:%n%s", read(log)).isZero();
    } finally {
      // QEMU is the app's child: never leave it behind.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    assertThat(png).exists();
    Path sidecar = dir.resolve("window.png.json");
    assertThat(sidecar).exists();
    BufferedImage img = ImageIO.read(png.toFile());
    JsonNode state = JsonMapper.builder().build().readTree(Files.readString(sidecar));
    return new Shot(img, state, read(log));
  }

  /** Standard deviation of the pixels' luminance (0..255): near 0 for a blank image. */
  static double luminanceStdDev(BufferedImage img) {
    double sum = 0;
    double sq = 0;
    long n = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y);
        double l =
            0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
        sum += l;
        sq += l * l;
        n++;
      }
    }
    double mean = sum / n;
    return Math.sqrt(Math.max(0, sq / n - mean * mean));
  }

  /** Distinct colours among sampled pixels (a drawn flame graph and timeline have many). */
  static int distinctColours(BufferedImage img) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        seen.add(img.getRGB(x, y) & 0xffffff);
      }
    }
    return seen.size();
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
