package dev.uniscope.core.session;

import dev.uniscope.core.launch.QemuProcess;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * QEMU's standard error, passed on as notes. It also tells whether QEMU was stopped by a signal
 * ({@code terminating on signal N}): a terminal's Ctrl-C reaches QEMU too, since it shares the
 * CLI's process group, and that is the user stopping the run, not QEMU dying.
 */
final class QemuStderr implements QemuProcess.Sink {
  private final Consumer<String> note;
  private volatile boolean signalled;

  QemuStderr(Consumer<String> note) {
    this.note = note;
  }

  @Override
  public void accept(byte[] chunk) {
    String s = new String(chunk, StandardCharsets.UTF_8);
    if (s.contains("terminating on signal")) {
      signalled = true;
    }
    note.accept("qemu: " + s.trim());
  }

  boolean signalled() {
    return signalled;
  }
}
