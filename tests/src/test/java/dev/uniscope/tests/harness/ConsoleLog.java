package dev.uniscope.tests.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the guest printed on one serial port, collected by a reader thread. Tests wait on
 * lines with a deadline instead of sleeping; a wait that fails reports the whole console.
 */
public final class ConsoleLog {
  /** Bound on what we keep: a runaway guest must not exhaust the test JVM. */
  private static final int MAX_CHARS = 16 << 20;

  private final StringBuilder text = new StringBuilder();
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private boolean closed;

  synchronized void append(String s) {
    if (text.length() + s.length() > MAX_CHARS) {
      s = s.substring(0, Math.max(0, MAX_CHARS - text.length()));
    }
    text.append(s);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        lines.add(stripCr(partial.toString()));
        partial.setLength(0);
      } else {
        partial.append(c);
      }
    }
    notifyAll();
  }

  private static String stripCr(String s) {
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  synchronized void close() {
    if (!closed && !partial.isEmpty()) {
      lines.add(stripCr(partial.toString()));
      partial.setLength(0);
    }
    closed = true;
    notifyAll();
  }

  /** All text so far. */
  public synchronized String text() {
    return text.toString();
  }

  /** Complete lines so far. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * Waits for the first line (from the start of the console) matching {@code pattern} anywhere in
   * it, and returns the match.
   *
   * @throws TimeoutException with the console text, if none arrives before the deadline or the
   *     console closes first
   */
  public Matcher awaitLine(Pattern pattern, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int next = 0;
    synchronized (this) {
      while (true) {
        for (; next < lines.size(); next++) {
          Matcher m = pattern.matcher(lines.get(next));
          if (m.find()) {
            return m;
          }
        }
        long left = deadline - System.nanoTime();
        if (closed || left <= 0) {
          throw new TimeoutException(
              (closed ? "console closed" : "timed out after " + timeout)
                  + " waiting for /"
                  + pattern
                  + "/; console was:\n"
                  + tail());
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** All lines matching {@code pattern}, in order. */
  public synchronized List<Matcher> matches(Pattern pattern) {
    List<Matcher> out = new ArrayList<>();
    for (String l : lines) {
      Matcher m = pattern.matcher(l);
      if (m.find()) {
        out.add(m);
      }
    }
    return out;
  }

  private String tail() {
    int from = Math.max(0, text.length() - 8000);
    return (from > 0 ? "...\n" : "") + text.substring(from);
  }
}
