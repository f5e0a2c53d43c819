package dev.uniscope.ui.app;

import dev.uniscope.core.launch.KernelImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The desktop app: one {@link MainWindow}, booting the kernel live or opening the file named on the
 * command line; with {@code --screenshot} it writes the window once the content is ready and exits.
 * Started through {@link Main}.
 */
public final class WorkbenchApp extends Application {
  public static final int WIDTH = 1400;
  public static final int HEIGHT = 900;

  /** The longest a screenshot waits for the content before taking what is there (exit code 3). */
  static final long SCREENSHOT_WAIT_SECONDS = 300;

  private MainWindow window;

  @Override
  public void start(Stage stage) {
    LaunchOptions options;
    try {
      options = LaunchOptions.parse(getParameters().getRaw());
    } catch (LaunchOptions.UsageException e) {
      System.err.println("uniscope ui: " + e.getMessage());
      Platform.exit();
      return;
    }
    window = new MainWindow();
    Scene scene = new Scene(window.root(), WIDTH, HEIGHT);
    stage.setTitle("Uniscope workbench");
    stage.setScene(scene);
    stage.setOnCloseRequest(e -> window.close());
    stage.show();
    if (options.input() != null) {
      window.open(options.input(), options.kernel());
    } else {
      try {
        window.bootLive(KernelImage.locate(options.kernel()), options.app(), options.vsock());
      } catch (IllegalArgumentException e) {
        window.fail(e.getMessage());
      }
    }
    if (options.screenshot() != null) {
      screenshotWhenReady(scene, options.screenshot());
    }
  }

  private void screenshotWhenReady(Scene scene, Path png) {
    window
        .ready()
        .orTimeout(SCREENSHOT_WAIT_SECONDS, TimeUnit.SECONDS)
        .whenComplete(
            (v, err) -> {
              boolean complete = err == null;
              if (err instanceof TimeoutException) {
                System.err.println("uniscope ui: content not ready, screenshot of what is there");
              }
              // Two pulses: the first applies the last coalesced updates, the second snapshots.
              Platform.runLater(
                  () -> {
                    window.flushViews();
                    Platform.runLater(() -> snapshotAndExit(scene, png, complete));
                  });
            });
  }

  private void snapshotAndExit(Scene scene, Path png, boolean complete) {
    int code = complete ? 0 : 3;
    try {
      Screenshot.write(
          scene, png, window.state((int) scene.getWidth(), (int) scene.getHeight(), complete));
      System.err.println("uniscope ui: wrote " + png + " and " + Screenshot.sidecar(png));
    } catch (IOException | RuntimeException e) {
      System.err.println("uniscope ui: cannot write " + png + ": " + e.getMessage());
      code = 1;
    }
    window.close();
    final int exit = code;
    Platform.exit();
    // The FX toolkit may keep non-daemon threads; the exit code carries the result.
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                window.awaitClosed(15_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              System.exit(exit);
            });
  }

  @Override
  public void stop() {
    if (window != null) {
      window.close();
    }
  }
}
