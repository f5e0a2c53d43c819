package dev.uniscope.ui.console;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The console's lines as the pane shows them: bounded in count and length, with control characters
 * replaced, because they come from the guest (untrusted). Thread safe: QEMU's reader thread
 * appends, the FX thread reads snapshots.
 */
public final class ConsoleBuffer {
  /** Longest line shown; the rest is cut and marked with an ellipsis. */
  public static final int MAX_LINE_CHARS = 400;

  private final int capacity;
  private final ArrayDeque<String> lines;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private long dropped;
  private long version;

  public ConsoleBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.capacity = capacity;
    this.lines = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /** Called (on the appending thread) after every append; the pane coalesces repaints. */
  public void addListener(Runnable r) {
    listeners.add(r);
  }

  public void add(String raw) {
    String line = sanitize(raw);
    synchronized (this) {
      if (lines.size() == capacity) {
        lines.removeFirst();
        dropped++;
      }
      lines.addLast(line);
      version++;
    }
    listeners.forEach(Runnable::run);
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** Changes with every append, so a reader can skip unchanged snapshots. */
  public synchronized long version() {
    return version;
  }

  /** Oldest lines discarded to keep within the capacity. */
  public synchronized long dropped() {
    return dropped;
  }

  public synchronized int size() {
    return lines.size();
  }

  /** The first kept line starting with {@code prefix}, or null. */
  public synchronized String firstStartingWith(String prefix) {
    for (String l : lines) {
      if (l.startsWith(prefix)) {
        return l;
      }
    }
    return null;
  }

  /**
   * Text safe to show: at most {@link #MAX_LINE_CHARS} characters, tabs as spaces, other control
   * characters (and lone surrogates) as U+FFFD.
   */
  public static String sanitize(String raw) {
    if (raw == null) {
      return "";
    }
    int n = Math.min(raw.length(), MAX_LINE_CHARS);
    StringBuilder b = new StringBuilder(n + 1);
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      if (c == '\t') {
        b.append("    ");
      } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    if (raw.length() > MAX_LINE_CHARS) {
      b.append('\u2026');
    }
    return b.toString();
  }
}
