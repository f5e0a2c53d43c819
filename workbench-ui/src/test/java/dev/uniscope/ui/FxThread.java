package dev.uniscope.ui;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.event.EventType;
import javafx.scene.Node;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;

/** Starts the FX toolkit once per test JVM (needs an X display) and runs test code on it. */
public final class FxThread {
  private static boolean started;

  private FxThread() {}

  /** Starts the toolkit, or skips the test when there is no display. */
  public static synchronized void start() {
    String display = System.getenv("DISPLAY");
    assumeTrue(
        display != null && !display.isBlank(),
        "no DISPLAY set: FX tests need an X server; run under xvfb-run (./uniscope test does)");
    if (!started) {
      System.setProperty("prism.order", "sw");
      Platform.setImplicitExit(false);
      CompletableFuture<Void> up = new CompletableFuture<>();
      Platform.startup(() -> up.complete(null));
      up.join();
      started = true;
    }
  }

  /** A check that runs on the FX thread. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} on the FX thread and rethrows what it threw (bounded wait). */
  public static void run(Body body) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Platform.runLater(
        () -> {
          try {
            body.run();
            done.complete(null);
          } catch (Throwable t) {
            done.completeExceptionally(t);
          }
        });
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw (Error) e.getCause();
    }
  }

  /** Fires a mouse event at local coordinates of {@code target}. */
  public static void mouse(
      Node target, EventType<MouseEvent> type, double x, double y, MouseButton b) {
    // This constructor takes scene coordinates; the event is re-localized for the target.
    javafx.geometry.Point2D p = target.localToScene(x, y);
    target.fireEvent(
        new MouseEvent(
            type,
            p.getX(),
            p.getY(),
            p.getX(),
            p.getY(),
            b,
            type == MouseEvent.MOUSE_CLICKED ? 1 : 0,
            false,
            false,
            false,
            false,
            b == MouseButton.PRIMARY,
            false,
            b == MouseButton.SECONDARY,
            true,
            false,
            true,
            null));
  }
}
