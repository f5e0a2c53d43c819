package dev.uniscope.cli.report;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on standard error, redrawn in place. Drawn only on a terminal (CI logs
 * get no carriage-return noise), and at most every 100 ms.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long MIN_REDRAW_NANOS = 100_000_000L;

  private final PrintStream err;
  private final boolean enabled;
  private long lastDraw;
  private int lastLength;

  public ProgressBar(PrintStream err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** Enabled when standard error is a terminal and {@code UNISCOPE_NO_PROGRESS} is unset. */
  public static ProgressBar onStderr() {
    return new ProgressBar(
        System.err, System.console() != null && System.getenv("UNISCOPE_NO_PROGRESS") == null);
  }

  /** Draws {@code fraction} (0..1) with a label, e.g. {@code 3.1/10.0 s 12034 events}. */
  public synchronized void update(double fraction, String label) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < MIN_REDRAW_NANOS && fraction < 1) {
      return;
    }
    lastDraw = now;
    double f = Math.max(0, Math.min(1, fraction));
    int filled = (int) Math.round(f * WIDTH);
    String line =
        String.format(
            Locale.ROOT,
            "[%s%s] %3d%% %s",
            "=".repeat(filled),
            " ".repeat(WIDTH - filled),
            Math.round(f * 100),
            label);
    err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    err.flush();
    lastLength = line.length();
  }

  /** Removes the bar so the next line starts clean. */
  public synchronized void clear() {
    if (enabled && lastLength > 0) {
      err.print("\r" + " ".repeat(lastLength) + "\r");
      err.flush();
      lastLength = 0;
    }
  }
}
