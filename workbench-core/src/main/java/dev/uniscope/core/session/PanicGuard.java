package dev.uniscope.core.session;

import dev.uniscope.core.qmp.QmpClient;
import dev.uniscope.core.qmp.QmpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Watches QMP for {@code GUEST_PANICKED}. QEMU runs with {@code -action panic=pause}, so the
 * panicked VM stays for {@code dump-guest-memory}; the guard takes the dump, then quits QEMU. The
 * dump runs on its own thread because QMP listeners must not block the reader.
 */
final class PanicGuard {
  private final CompletableFuture<Path> dumped = new CompletableFuture<>();
  private volatile boolean panicked;

  private PanicGuard() {}

  /**
   * @param dumpFile where the ELF core goes
   * @param note progress messages for the user
   */
  static PanicGuard watch(QmpClient qmp, Path dumpFile, Consumer<String> note) {
    PanicGuard g = new PanicGuard();
    qmp.onEvent(
        e -> {
          if (e.name().equals("GUEST_PANICKED") && !g.panicked) {
            g.panicked = true;
            Thread.ofPlatform()
                .name("panic-dump")
                .daemon()
                .start(() -> g.dump(qmp, dumpFile, note));
          }
        });
    return g;
  }

  private void dump(QmpClient qmp, Path dumpFile, Consumer<String> note) {
    Path result = null;
    try {
      Files.deleteIfExists(dumpFile);
      note.accept("guest panicked: writing memory dump " + dumpFile);
      qmp.dumpGuestMemory(dumpFile);
      result = dumpFile;
    } catch (QmpException | java.io.IOException e) {
      note.accept("could not dump guest memory: " + e.getMessage());
    } finally {
      try {
        qmp.quit();
      } catch (QmpException e) {
        // QEMU may already be gone; the session kills it in any case.
      }
      dumped.complete(result);
    }
  }

  boolean panicked() {
    return panicked;
  }

  /**
   * Completes with the dump file (or null when none could be written) after the guard quit QEMU.
   */
  CompletableFuture<Path> dumped() {
    return dumped;
  }
}
