package dev.uniscope.core.session;

import dev.uniscope.core.launch.QemuProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * COM1 split into lines, with the facts the session needs from it (docs/app-api.md "Console
 * lines"): the panic reason and a bounded tail for the run record. Lines are capped so a guest that
 * never sends a newline cannot grow memory.
 */
public final class ConsoleLog implements QemuProcess.Sink {
  /** Longest line kept; the rest of a longer line is cut. */
  public static final int MAX_LINE = 4096;

  /** Lines kept for the run record. */
  public static final int TAIL_LINES = 200;

  /** The kernel's announcement of a reset (core/reboot.c), followed by who asked for it. */
  public static final String REBOOT_LINE = "kernel: reboot requested by ";

  /** WHO is one word (docs/app-api.md); anything else is shown as {@code ?}. */
  private static final Pattern REBOOT_BY = Pattern.compile("([\\w=./:,-]{1,64})\\s*");

  private final Consumer<String> onLine;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private String panicReason = "";
  private String appName = "";
  private Integer appExitStatus;
  private String rebootRequestedBy = "";
  private boolean ended;

  /**
   * @param onLine receives each complete line (without {@code \r\n}), on QEMU's reader thread
   */
  public ConsoleLog(Consumer<String> onLine) {
    this.onLine = onLine;
  }

  @Override
  public void accept(byte[] chunk) {
    for (byte b : chunk) {
      if (b == '\n') {
        emit();
      } else if (b != '\r' && line.size() < MAX_LINE) {
        line.write(b);
      }
    }
  }

  @Override
  public void end() {
    if (line.size() > 0) {
      emit();
    }
    synchronized (this) {
      ended = true;
      notifyAll();
    }
  }

  private void emit() {
    String s = line.toString(StandardCharsets.UTF_8);
    line.reset();
    synchronized (this) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(s);
      if (s.startsWith("app: start name=") && appName.isEmpty()) {
        String rest = s.substring("app: start name=".length());
        int sp = rest.indexOf(' ');
        appName = sp < 0 ? rest : rest.substring(0, sp);
      }
      if (s.startsWith("app: exit name=")) {
        int at = s.lastIndexOf(" status=");
        try {
          appExitStatus = at < 0 ? null : Integer.valueOf(s.substring(at + " status=".length()));
        } catch (NumberFormatException e) {
          appExitStatus = null;
        }
      }
      if (s.startsWith(REBOOT_LINE) && rebootRequestedBy.isEmpty()) {
        Matcher m = REBOOT_BY.matcher(s.substring(REBOOT_LINE.length()));
        rebootRequestedBy = m.matches() ? m.group(1) : "?";
      }
      if (s.startsWith("panic: ") && panicReason.isEmpty()) {
        panicReason = s.substring("panic: ".length());
      }
    }
    onLine.accept(s);
  }

  /** The first {@code panic:} line's text, or empty. */
  public synchronized String panicReason() {
    return panicReason;
  }

  /**
   * The status the kernel announced before powering off ({@code app: exit name=NAME status=N}), if
   * it did.
   */
  public synchronized java.util.Optional<Integer> appExitStatus() {
    return java.util.Optional.ofNullable(appExitStatus);
  }

  /**
   * Who the kernel said asked for a reboot ({@code kernel: reboot requested by WHO}), or empty when
   * it announced none.
   */
  public synchronized String rebootRequestedBy() {
    return rebootRequestedBy;
  }

  /** The app the kernel started ({@code app: start name=NAME}), or empty. */
  public synchronized String appName() {
    return appName;
  }

  /** The newest lines, oldest first. */
  public synchronized List<String> tail() {
    return List.copyOf(tail);
  }

  /** Waits until QEMU closed the console (bounded), so the tail is complete. */
  public synchronized void awaitEnd(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!ended) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }
}
