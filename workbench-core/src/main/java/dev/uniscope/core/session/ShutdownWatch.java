package dev.uniscope.core.session;

import dev.uniscope.core.qmp.QmpClient;

/**
 * Why QEMU shut down, from QMP's {@code SHUTDOWN} event, which QEMU sends just before it exits:
 * {@code guest-reset} (a reset under {@code -no-reboot}), {@code guest-shutdown}, {@code
 * host-qmp-quit}, {@code host-signal}, ...
 */
final class ShutdownWatch {
  private volatile String reason = "";

  private ShutdownWatch() {}

  static ShutdownWatch watch(QmpClient qmp) {
    ShutdownWatch w = new ShutdownWatch();
    qmp.onEvent(
        e -> {
          if (e.name().equals("SHUTDOWN")) {
            w.reason = e.data().path("reason").asString("");
          }
        });
    return w;
  }

  /** The event's reason, or empty when none arrived. */
  String reason() {
    return reason;
  }
}
