package dev.uniscope.ui.app;

import java.util.List;
import javafx.application.Application;

/**
 * Launcher entry point. It is not the {@link Application} itself because the java launcher refuses
 * to start an {@code Application} subclass when JavaFX is on the class path rather than the module
 * path.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    try {
      LaunchOptions.parse(List.of(args));
    } catch (LaunchOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("uniscope ui: " + e.getMessage());
      }
      System.err.print(LaunchOptions.USAGE);
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    Application.launch(WorkbenchApp.class, args);
  }
}
